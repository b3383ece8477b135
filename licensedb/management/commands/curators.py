from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ... import curators


class Command(BaseCommand):
    help = (
        "Create (or update) the 'curators' group with the permissions curators need; with --add, make "
        "accounts curators (an account that does not exist yet is created without a password: set one "
        "with `manage.py changepassword NAME`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--add", nargs="+", metavar="USERNAME", default=[], help="Accounts to make curators.")
        parser.add_argument("--email", default="", help="E-mail address of a new account.")

    def handle(self, *args, add=(), email="", **options):
        group = curators.ensure_group()
        self.stdout.write(f"Group '{group.name}' has {group.permissions.count()} permissions.")
        User = get_user_model()
        for username in add:
            if not username.strip():
                raise CommandError("A user name cannot be empty.")
            user, created = User.objects.get_or_create(username=username, defaults={"email": email})
            if created:
                user.set_unusable_password()
                user.save()
            curators.make_curator(user)
            self.stdout.write(
                f"{username} is a curator" + (f"; set a password with: manage.py changepassword {username}" if created else ".")
            )
