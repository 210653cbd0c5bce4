from bot.news.urls import canonical_url, host_of


def test_tracking_parameters_fragment_and_host_case_go() -> None:
    url = (
        "HTTPS://WWW.Example.COM:443/f1/News/Story-1?utm_source=rss&utm_medium=feed&id=7"
        "&fbclid=abc&gclid=x&mc_cid=1&ref=twitter&page=2#comments"
    )
    assert canonical_url(url) == "https://www.example.com/f1/News/Story-1?id=7&page=2"


def test_the_same_story_shared_two_ways_is_one_url() -> None:
    plain = "https://racefans.example/2025/03/01/news/"
    shared = "https://RaceFans.example/2025/03/01/news/?utm_campaign=x#top"
    assert canonical_url(plain) == canonical_url(shared)


def test_ports_paths_and_ipv6_are_kept() -> None:
    assert canonical_url("http://example.com:8080") == "http://example.com:8080/"
    assert canonical_url("http://[::1]:8080/a?b=1") == "http://[::1]:8080/a?b=1"


def test_host_of_names_a_source() -> None:
    assert host_of("https://www.PlanetF1.com/feed") == "planetf1.com"
