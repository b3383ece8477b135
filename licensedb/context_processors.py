from django.conf import settings

from .vocabulary import USES


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "USES": USES}
