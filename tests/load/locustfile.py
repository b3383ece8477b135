"""Mixed traffic for licensedb (see the README's load section).

    locust -f tests/load/locustfile.py --host http://127.0.0.1:8000 --headless -u 50 -r 10 -t 60s

Against a synthetic catalogue (python manage.py synthetic_catalogue --size 10000). Each visitor first
learns a page of dataset names, then browses as a public site's visitors do: searches (mostly for a
dataset's name or part of it, or a word from one; now and then a word found in most entries), dataset
pages, comparisons, checks and API lists.
"""

import random

from locust import HttpUser, between, task

COMMON_WORDS = ["video", "action", "captions", "licence", "benchmark", "research", "annotations", "commercial"]
SIZE = 10_000


def slug() -> str:
    return f"bench-{random.randrange(SIZE)}"


class Visitor(HttpUser):
    wait_time = between(0.0, 0.2)

    def on_start(self):
        response = self.client.get(f"/api/v1/datasets/?page={random.randint(1, 90)}&page_size=100", name="(start) names")
        self.names = [d["name"] for d in response.json().get("results", [])] or ["bench"]

    def query(self) -> str:
        name = random.choice(self.names)
        roll = random.random()
        if roll < 0.4:
            return name  # a dataset by its name
        if roll < 0.6:
            return name[: random.randint(4, 8)]  # typing the start of a name
        if roll < 0.85:
            return name.split("-")[0][: random.randint(5, 9)].lower()  # a word that names are made of
        return random.choice(COMMON_WORDS)  # a word found in most entries

    @task(5)
    def search(self):
        self.client.get("/api/v1/search/", params={"q": self.query()}, name="/api/v1/search/?q=[query]")

    @task(2)
    def search_page(self):
        self.client.get("/search/", params={"q": self.query()}, name="/search/?q=[query]")

    @task(4)
    def dataset_page(self):
        self.client.get(f"/datasets/{slug()}/", name="/datasets/[slug]/")

    @task(2)
    def compare(self):
        picked = ",".join({slug() for _ in range(3)})
        self.client.get(f"/compare/?datasets={picked}", name="/compare/?datasets=[3 slugs]")

    @task(2)
    def check(self):
        self.client.post("/api/v1/check/", json={"use": random.choice(["research", "commercial_training", "model_release"]),
                                                  "datasets": list({slug() for _ in range(3)})}, name="/api/v1/check/")

    @task(2)
    def api_list(self):
        use = random.choice(["research", "commercial_training"])
        self.client.get(f"/api/v1/datasets/?{use}=prohibited&page={random.randint(1, 20)}", name="/api/v1/datasets/?[filter]")
