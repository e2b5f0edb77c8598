"""Face blur's media work, free of the app: find faces in a video (CenterFace on sampled
frames), follow them through it, and write a copy with the chosen faces blurred."""
