def test_login_page_and_dashboard(client, auth, factory):
    assert client.get("/login").status_code == 200
    user = factory.user("learner", name="Amina Learner")
    response = auth.login(user)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Amina Learner" in page.get_data(as_text=True)
