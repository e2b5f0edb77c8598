"""After the district narrows its rule, the admin sees which unblurred videos are shared wider
than the rule or their students' releases allow (videos with blurred faces and videos within
the rule are not listed); the report is the admin's alone."""
from __future__ import annotations

from mastery_share.accounts.models import District
from mastery_share.extensions import db
from tests.collections.conftest import video_row
from tests.comments.conftest import people  # noqa: F401  (fixture)
from tests.conftest import csrf_token, sign_in


def test_the_admin_sees_the_videos_a_narrower_rule_would_refuse_today(app, client, teacher,
                                                                      admin, people):  # noqa: F811
    network = video_row(teacher, title="Stations for everyone", visibility="network")
    district_wide = video_row(teacher, title="Exit tickets in the district", visibility="district")
    school_only = video_row(teacher, title="Our school's math talk", visibility="school")
    blurred = video_row(teacher, title="Blurred and wide", visibility="network")
    blurred.blur_faces = True
    over_release = video_row(teacher, title="Releases cover the school only",
                             visibility="district")
    over_release.release_tier = "school"  # shared before tiers were checked on this path
    far_away = video_row(people["other_district"], title="Another district's", visibility="network")
    db.session.commit()

    sign_in(client, admin)
    client.post("/videos/release-policy", data={
        "widest_without_blur": "school", "csrf_token": csrf_token(client, "/staff")})
    assert db.session.get(District, admin.district_id).widest_without_blur == "school"
    staff = client.get("/staff").get_data(as_text=True)
    assert "see the videos shared beyond these rules" in staff

    page = client.get("/videos/beyond-policy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for listed in (network, district_wide, over_release):
        assert listed.title in html and f"/videos/{listed.id}/edit" in html
    for not_listed in (school_only, blurred, far_away):
        assert not_listed.title not in html
    assert "3 videos" in html


def test_the_release_tier_alone_counts_when_the_district_allows_everything(app, client, teacher,
                                                                           admin):
    over_release = video_row(teacher, title="Releases cover the school only",
                             visibility="district")
    over_release.release_tier = "school"
    video_row(teacher, title="Within its release", visibility="district")
    db.session.commit()
    sign_in(client, admin)
    html = client.get("/videos/beyond-policy").get_data(as_text=True)
    assert "Releases cover the school only" in html and "Within its release" not in html
    assert "1 video." in html


def test_the_report_is_the_admin_s_alone(app, client, teacher, make_user):
    video_row(teacher, title="Stations for everyone", visibility="network")
    sign_in(client, make_user("principal"))
    refused = client.get("/videos/beyond-policy")
    assert refused.status_code == 403
    assert "Stations for everyone" not in refused.get_data(as_text=True)


def test_nothing_beyond_the_rules_says_so(app, client, admin):
    sign_in(client, admin)
    assert "Every video is within the district's rules." in client.get(
        "/videos/beyond-policy").get_data(as_text=True)
