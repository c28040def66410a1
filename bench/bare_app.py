"""The baseline: a bare Flask "hello" endpoint, served by the same gunicorn settings as the product."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
