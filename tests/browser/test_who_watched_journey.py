"""In a browser: a colleague plays a video to its end; the player reports the play and the
seconds played; the owner's watch page lists who watched, a principal's shows the count only."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mastery_share.extensions import db
from mastery_share.viewing.models import VideoView
from tests.browser.conftest import sign_in_page
from tests.videos.conftest import clips, share  # noqa: F401  (fixtures)
from tests.waiting import wait_until

pytestmark = pytest.mark.browser


def _played_seconds(video_id: int) -> float:
    db.session.expire_all()
    return db.session.scalar(select(VideoView.watched_s).where(VideoView.video_id == video_id)) or 0


def test_a_play_is_recorded_and_only_its_owner_sees_who(make_page, make_user, other_school,
                                                        principal, share, clips,  # noqa: F811
                                                        assert_accessible):
    owner = make_user("teacher", name="Olive Owner")
    video = share(owner, clips.short, title="Exit tickets by color")
    assert video.status == "ready"

    colleague = make_page()
    sign_in_page(colleague, make_user("teacher", school_=other_school, name="Cora Colleague"))
    colleague.goto(f"/videos/{video.id}")
    colleague.evaluate("() => { const p = document.getElementById('player'); p.muted = true; "
                       "return p.play(); }")
    colleague.wait_for_function("() => document.getElementById('player').ended")
    assert wait_until(lambda: _played_seconds(video.id) >= 2.0), _played_seconds(video.id)

    mine = make_page()
    sign_in_page(mine, owner)
    mine.goto(f"/videos/{video.id}")
    who = mine.get_by_role("region", name="Who watched")
    expect(who).to_contain_text("1 play by 1 colleague")
    expect(who).to_contain_text("Cora Colleague")
    expect(who).to_contain_text("0:0")  # seconds played, e.g. "0:03 watched"
    assert_accessible(mine)

    leader = make_page()
    sign_in_page(leader, principal)
    leader.goto(f"/videos/{video.id}")
    expect(leader.get_by_role("region", name="Watched")).to_contain_text("1 play by 1 colleague")
    expect(leader.get_by_text("Cora Colleague")).to_have_count(0)
