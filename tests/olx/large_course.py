"""A generated Open edX export the size of Open edX's demo course (edX DemoX): the import tests that need a
course big enough to take a while, and ``bench/import_contention.py``, use it.

The demo course has about 30 units, 150 components and a few MB of static files. This one has, by default,
5 modules × 3 lessons × 2 units = 30 units of 5 components each (an ``html`` block with its ``.html`` file, a
``video``, a CAPA ``problem``, an inline ``poll`` and another inline ``html``: 150), laid out as Studio writes
them (pointer files for the outline, html, video and problems), a policy.json, the about/ pages, and 24
static files of 128 KB (3 MB) that do not compress, like the demo course's images and PDFs.
"""

from __future__ import annotations

import json
import random

from tests.olx.olx_course import CAPA_PROBLEM, GRADING_POLICY, POLL_ANSWERS, tar_gz

ORG, NUMBER, RUN = "edX", "DemoX", "Demo_Course"
CODE = "edX-DemoX-Demo_Course"
COMPONENTS_PER_UNIT = 5


def course_files(
    modules: int = 5, lessons: int = 3, units: int = 2, static_files: int = 24, static_size: int = 128 * 1024
) -> dict[str, bytes]:
    noise = random.Random(20250101)  # the same bytes every run  # noqa: S311 - not for security
    files: dict[str, str | bytes] = {"course.xml": f'<course url_name="{RUN}" org="{ORG}" course="{NUMBER}"/>\n'}
    chapters = []
    for m in range(modules):
        chapters.append(f'  <chapter url_name="m{m}"/>')
        sequentials = []
        for s in range(lessons):
            sequentials.append(f'  <sequential url_name="m{m}_s{s}"/>')
            verticals = []
            for u in range(units):
                name = f"m{m}_s{s}_u{u}"
                verticals.append(f'  <vertical url_name="{name}"/>')
                files[f"vertical/{name}.xml"] = (
                    f'<vertical display_name="Unit {m + 1}.{s + 1}.{u + 1}">\n'
                    f'  <html url_name="{name}_text"/>\n'
                    f'  <video url_name="{name}_video"/>\n'
                    f'  <problem url_name="{name}_check"/>\n'
                    f'  <poll url_name="{name}_poll" xblock-family="xblock.v1" display_name="Poll {name}"'
                    f" question=\"Was this clear?\" answers='{POLL_ANSWERS}'/>\n"
                    f'  <html url_name="{name}_note" display_name="Note"><p>Remember unit {name}.</p></html>\n'
                    "</vertical>\n"
                )
                files[f"html/{name}_text.xml"] = f'<html filename="{name}_text" display_name="Reading {name}"/>\n'
                image = f"images/figure_{(m * lessons + s) % max(static_files, 1)}.png"
                files[f"html/{name}_text.html"] = (
                    f"<h2>Reading {name}</h2>\n"
                    + "<p>Trainers explain the procedure step by step, then learners practise it.</p>\n" * 20
                    + f'<p><img src="/static/{image}" alt="Figure"></p>\n'
                )
                files[f"video/{name}_video.xml"] = (
                    f'<video display_name="Video {name}" youtube_id_1_0="3_yD_cEKoCk" youtube="1.00:3_yD_cEKoCk"'
                    ' download_video="false"/>\n'
                )
                files[f"problem/{name}_check.xml"] = CAPA_PROBLEM
            files[f"sequential/m{m}_s{s}.xml"] = (
                f'<sequential display_name="Lesson {m + 1}.{s + 1}">\n' + "\n".join(verticals) + "\n</sequential>\n"
            )
        files[f"chapter/m{m}.xml"] = (
            f'<chapter display_name="Module {m + 1}">\n' + "\n".join(sequentials) + "\n</chapter>\n"
        )
    files[f"course/{RUN}.xml"] = (
        '<course display_name="Demonstration Course" language="en">\n' + "\n".join(chapters) + "\n</course>\n"
    )
    files[f"policies/{RUN}/policy.json"] = json.dumps({f"course/{RUN}": {"advanced_modules": ["poll"]}})
    files[f"policies/{RUN}/grading_policy.json"] = json.dumps(GRADING_POLICY)
    files["about/short_description.html"] = "A generated course the size of the Open edX demo course."
    for index in range(static_files):
        files[f"static/images/figure_{index}.png"] = noise.randbytes(static_size)
    return {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}


def archive(**sizes: int) -> bytes:
    return tar_gz(course_files(**sizes))


def component_count(modules: int = 5, lessons: int = 3, units: int = 2) -> int:
    return modules * lessons * units * COMPONENTS_PER_UNIT
