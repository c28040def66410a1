import re

from lms.db import db


def test_thumbs_render_and_vote(app, client, auth, factory):
    from courses.context import runtime_for
    from courses.studio import services as studio
    from courses.versions import publish

    author = factory.user("author")
    course = factory.course(owner=author)
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Module 1")
    seq = studio.add_block(course, chapter, "sequential", author, "Lesson 1")
    unit = studio.add_block(course, seq, "vertical", author, "Unit 1")
    html = studio.add_block(course, unit, "html", author, "Intro")
    studio.save_fields(course, html, {"display_name": "Intro", "data": "<p>Hi<script>alert(1)</script></p>"}, author)
    thumbs = studio.add_block(course, unit, "thumbs", author)
    publish(course, author)
    db.session.commit()
    learner = factory.user("learner")
    factory.cohort(course=course, learners=[learner])
    auth.login(learner)
    with app.test_request_context():
        from flask_login import login_user

        login_user(learner)
        runtime = runtime_for(course, learner, "published")
        block = runtime.get_block(unit)
        frag = runtime.render(block, "student_view")
        assert "Hi" in frag.content and "<script>alert" not in frag.content
        prefix = re.search(r'data-usage="' + re.escape(thumbs) + r'"[^>]*data-handler-prefix="([^"]+)"', frag.content)
        assert prefix, frag.content
        url = prefix.group(1) + "vote/"
    r = client.post(url, json={"voteType": "up"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json() == {"up": 1, "down": 0}
    r = client.post(url, json={"voteType": "up"})
    assert r.get_json() == {"up": 2, "down": 0}
