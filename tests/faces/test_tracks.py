"""Joining detections into tracks, and where a face is between two samples."""
from mastery_share.media.faces.tracks import Detection, box_at, link, padded


def test_two_faces_moving_apart_make_two_tracks_and_a_late_face_a_third():
    samples = []
    for step in range(10):
        t = step / 10
        samples.append((t, [((100 + 10 * step, 50, 140 + 10 * step, 100), 0.9),
                            ((400 - 5 * step, 200, 440 - 5 * step, 250), 0.8)]))
    # The first face is gone for 2 s, then a face appears where it was: another child.
    samples.append((3.0, [((190, 50, 230, 100), 0.9)]))
    tracks = link(samples)
    assert [len(track.detections) for track in tracks] == [10, 10, 1]
    assert tracks[0].detections[-1].box[0] == 190  # the left face, followed to the right
    assert tracks[2].first_s == 3.0


def test_a_face_missed_on_a_sample_is_bridged_and_placed_on_the_line_between():
    track = link([(0.0, [((0, 0, 40, 40), 0.9)]), (0.1, []), (0.2, [((20, 0, 60, 40), 0.9)])])
    [only] = track
    assert box_at(only.detections, 0.1) == (10, 0, 50, 40)
    assert box_at(only.detections, 0.0 - 0.2) == (0, 0, 40, 40)  # just before: entering
    assert box_at(only.detections, 1.0) is None  # long gone


def test_the_blurred_box_is_padded_and_kept_inside_the_frame():
    assert padded((10, 10, 110, 110), 640, 360) == (0, 0, 140, 140)
    assert padded((600, 300, 640, 360), 640, 360) == (588, 282, 640, 360)


def test_the_best_sighting_is_the_surest():
    track = link([(0.0, [((0, 0, 40, 40), 0.5)]), (0.1, [((2, 0, 42, 40), 0.95)])])[0]
    assert track.best == Detection(0.1, (2, 0, 42, 40), 0.95)


def test_a_4k_source_is_blurred_at_the_top_rendition_s_size():
    from mastery_share.media.probe import parse_ffprobe
    from mastery_share.media.profiles import plan_renditions

    info = parse_ffprobe({"format": {"format_name": "mov,mp4", "duration": "10"},
                          "streams": [{"codec_type": "video", "codec_name": "h264",
                                       "width": 3840, "height": 2160,
                                       "avg_frame_rate": "30/1", "r_frame_rate": "30/1"}]}, 1)
    largest = max(plan_renditions(info), key=lambda plan: plan.width * plan.height)
    assert (largest.width, largest.height) == (1920, 1080)
