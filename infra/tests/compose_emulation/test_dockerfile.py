"""The emulation's reading of infra/Dockerfile (python3 -m unittest, run by `make test`)."""

import os
import unittest

import dockerfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")


class DockerfileTests(unittest.TestCase):
    def test_the_image_creates_the_data_folder_for_its_user(self):
        image = dockerfile.parse(open(os.path.join(ROOT, "infra/Dockerfile")).read())
        self.assertEqual(image.user, "tokens")
        self.assertEqual(image.workdir, "/var/lib/tokens")
        data = image.folders["/var/lib/tokens/data"]
        self.assertEqual((data.owner, data.group, data.mode), ("tokens", "tokens", 0o700))
        self.assertIn("--static-swift-stdlib", image.build_command)
        # hiredis is linked statically (infra/dev/bootstrap), so the image installs none.
        self.assertNotIn("libhiredis0.14", image.packages)

    def test_only_the_final_stage_counts(self):
        image = dockerfile.parse(
            "FROM a AS build\nUSER builder\nRUN apt-get install -y gcc && install -d -o builder /x\n"
            "FROM b\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends libssl3 \\\n"
            " && useradd --system --create-home --home-dir /home/app app\nUSER app\n")
        self.assertEqual(image.user, "app")
        self.assertEqual(image.packages, ["libssl3"])
        self.assertNotIn("/x", image.folders)
        self.assertEqual(image.folders["/home/app"].owner, "app")

    def test_a_folder_the_image_lacks_is_not_invented(self):
        image = dockerfile.parse("FROM b\nRUN useradd --system --create-home --home-dir /home/app app\nUSER app\n")
        self.assertNotIn("/home/app/data", image.folders)


if __name__ == "__main__":
    unittest.main()
