"""What is known about the released checkpoint files (model-facts.md section 11)."""

#: MD5 sums the MMAudio download code lists; the CLIP and BigVGAN-v2 files have none upstream.
KNOWN_MD5 = {
    "mmaudio_small_16k.pth": "af93cde404179f58e3919ac085b8033b",
    "mmaudio_small_44k.pth": "babd74c884783d13701ea2820a5f5b6d",
    "mmaudio_medium_44k.pth": "5a56b6665e45a1e65ada534defa903d0",
    "mmaudio_large_44k.pth": "fed96c325a6785b85ce75ae1aafd2673",
    "mmaudio_large_44k_v2.pth": "01ad4464f049b2d7efdaa4c1a59b8dfe",
    "v1-16.pth": "69f56803f59a549a1a507c93859fd4d7",
    "best_netG.pt": "eeaf372a38a9c31c362120aba2dde292",
    "v1-44.pth": "fab020275fa44c6589820ce025191600",
    "synchformer_state_dict.pth": "5b2f5594b0730f70e41e549b7c94390c",
}

#: Sub-directories of ``--weights`` searched for each file, besides the directory itself
#: (MMAudio keeps its files in ``weights/`` and ``ext_weights/``).
SEARCH_DIRS = ("", "weights", "ext_weights")

#: Key under which BigVGAN checkpoints nest the generator weights.
VOCODER_KEY = "generator"
