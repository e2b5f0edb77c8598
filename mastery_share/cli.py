"""Commands: `flask --app wsgi seed-demo`, `user create`, `search reindex`, `worker`, `serve`."""
from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import AppGroup

from .errors import DomainError


def register_cli(app: Flask) -> None:
    from .search.cli import search_group
    from .serve import serve_command, worker_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(user_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(school_group)
    app.cli.add_command(videos_group)
    app.cli.add_command(search_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("seed-demo")
@click.option("--videos/--no-videos", default=True, show_default=True,
              help="Also share a few demo videos (made with ffmpeg) for the worker to process.")
def seed_demo_command(videos: bool):
    """Create the demo district (idempotent) and print its sign-ins."""
    from .demo import DEMO_PASSWORD, seed_demo

    created, users = seed_demo()
    click.echo("Demo district ready" + (" (created)." if created else " (already there)."))
    if videos:
        from .demo import DEMO_DOMAIN
        from .demo_videos import seed_demo_videos

        shared = seed_demo_videos(DEMO_DOMAIN)
        if shared:
            click.echo(f"Shared {shared} demo videos; the worker processes them in a minute.")
        from .demo_spread import seed_demo_spread

        tries = seed_demo_spread(DEMO_DOMAIN)
        if tries:
            click.echo(f"Seeded a school year of spread: {tries} tries, with their visits, "
                       "check-ins and share-backs.")
        from .demo_classrooms import seed_open_classrooms

        opened = seed_open_classrooms(DEMO_DOMAIN)
        if opened:
            click.echo(f"Opened {opened} classroom visits over the next weeks.")
    where = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
    click.echo(f"Sign in at {where} with any of these (password: {DEMO_PASSWORD}):")
    for user in users:
        school = user.school.name if user.school else "district office"
        click.echo(f"  {user.role:<9} {user.email:<38} {school}")


user_group = AppGroup("user", help="Manage members.")


@user_group.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", default="teacher", show_default=True,
              type=click.Choice(["teacher", "coach", "principal", "admin"]))
@click.option("--school", "school_ref", help="School id or exact name (not needed for admins).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email, name, role, school_ref, password):
    """Create a member who can sign in straight away."""
    from .accounts.schools import default_district
    from .accounts.services import create_user, find_school

    try:
        school = find_school(school_ref) if school_ref else None
        district = school.district if school else default_district()
        user = create_user(email=email, name=name, role=role, password=password,
                           school=school, district=district)
    except DomainError as error:
        details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from error
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


school_group = AppGroup("school", help="Manage the district's schools.")


@school_group.command("create")
@click.argument("name")
@click.option("--time-zone", required=True, help="IANA name, e.g. America/Chicago.")
@click.option("--district", "district_name", help="District name (created when new).")
def create_school_command(name, time_zone, district_name):
    """Add a school (and its district, the first time)."""
    from .accounts.schools import create_school

    try:
        school = create_school(name=name, time_zone=time_zone, district_name=district_name)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"School {school.name} (id {school.id}) in {school.district.name}.")


videos_group = AppGroup("videos", help="Manage videos.")


@videos_group.command("reprocess")
@click.argument("video_id", type=int)
def reprocess_command(video_id):
    """Process a video again from its kept original."""
    from .videos.services import reprocess_video

    try:
        video = reprocess_video(None, video_id)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Video {video.id} queued for processing ({video.title}).")


@click.command("backup")
@click.argument("archive", required=False, type=click.Path(dir_okay=False))
def backup_command(archive):
    """Write the database, a media manifest and the local media into one .tar (default:
    <data dir>/backups/mastery-<time>.tar)."""
    from datetime import UTC, datetime
    from pathlib import Path

    from flask import current_app

    from .backup import BackupError, create_backup

    if archive is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        archive = Path(current_app.config["DATA_DIR"]) / "backups" / f"mastery-{stamp}.tar"
    try:
        manifest = create_backup(Path(archive))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    missing = [entry["key"] for entry in manifest["media"] if entry.get("missing")]
    click.echo(f"Backed up the {manifest['database']} database and "
               f"{len(manifest['media']) - len(missing)} media files to {archive}.")
    for key in missing:
        click.echo(f"Warning: {key} was missing from the media store.", err=True)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_command(archive):
    """Load a backup into this empty instance (database, media), then rebuild search."""
    from pathlib import Path

    from .backup import BackupError, restore_backup

    try:
        manifest = restore_backup(Path(archive))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the database (revision {manifest['alembic_revision']}) and "
               f"{sum(1 for entry in manifest['media'] if 'sha256' in entry)} media files; "
               "search is rebuilt.")
