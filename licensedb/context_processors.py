from django.conf import settings

from .vocabulary import USES


# Pages with a search box of their own: the header leaves its box out there, so a page never has two
# search landmarks (axe-core's landmark-unique rule) or two boxes that do the same thing.
OWN_SEARCH_BOX = ("home", "search")


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "USES": USES, "own_search_box": OWN_SEARCH_BOX}
