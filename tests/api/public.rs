//! The public read API, the rendered agendas and minutes, and the calendar feeds, through HTTP.

use std::io::BufReader;

use serde_json::json;

use crate::attachments::PDF;
use crate::common::{Request, TestApp};
use crate::db_tests;
use crate::fixtures::{self, act, id, keys};
use crate::seeds::{CLOSED_MARKER, enter_and_publish, seed};

db_tests!(
    the_public_reads_published_versions_of_public_committees,
    internal_committees_are_published_to_signed_in_callers,
    a_published_version_is_revalidated_and_follows_its_committee,
    rendered_minutes_show_what_the_seeds_show,
    seed_2021_renders_its_case_references,
    a_public_committee_calendar_validates_and_follows_cancellation,
    a_personal_feed_follows_its_user_and_can_be_revoked,
);

fn anonymous(app: &TestApp, path: &str) -> crate::common::Reply {
    app.call(Request::new("GET", path))
}

fn the_public_reads_published_versions_of_public_committees(app: &TestApp) {
    let (committee, meeting) = enter_and_publish(app, &seed("seed-2022-04-25.json"), "public");
    // Another meeting of the same committee, never published, and a committee that publishes nothing.
    let draft = id(&fixtures::meeting(app, &committee, "2022-05-02T12:30:00+02:00"));
    let hidden = fixtures::committee(app, "Hemmeligt udvalg", "none");
    let (_, hidden_meeting) = enter_and_publish(app, &seed("seed-2021-04-26.json"), "none");

    let committees = anonymous(app, "/v1/public/committees").expect(200).json();
    let names: Vec<&str> = committees["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Direktionen"]);

    let meetings = anonymous(app, "/v1/public/meetings").expect(200).json();
    assert_eq!(meetings["data"].as_array().unwrap().len(), 1, "{meetings}");
    let listed = &meetings["data"][0];
    assert_eq!(listed["id"], meeting);
    assert_eq!(listed["status"], "minutes_published");
    assert_eq!(listed["title"], "Direktionsmøde");
    assert_eq!(listed["starts_at"], "2022-04-25T12:30:00+02:00");
    assert_eq!(listed["committee"]["name"], "Direktionen");
    let hrefs: Vec<&str> = listed["versions"].as_array().unwrap().iter().map(|v| v["href"].as_str().unwrap()).collect();
    assert_eq!(
        hrefs,
        [
            format!("/v1/public/meetings/{meeting}/published/agenda/1"),
            format!("/v1/public/meetings/{meeting}/published/minutes/1")
        ]
    );
    let filtered =
        anonymous(app, &format!("/v1/public/meetings?committee_id={}&from=2022-04-25&to=2022-04-25", committee.id));
    assert_eq!(filtered.expect(200).json()["data"].as_array().unwrap().len(), 1);
    let none = anonymous(app, "/v1/public/meetings?from=2023-01-01").expect(200).json();
    assert_eq!(none["data"], json!([]));
    assert_eq!(anonymous(app, &format!("/v1/public/meetings/{meeting}")).expect(200).json(), *listed);

    // The minutes, with closed items as number and title, whoever asks.
    let path = format!("/v1/public/meetings/{meeting}/published/minutes/1");
    for reply in [anonymous(app, &path), app.get(&path, &committee.member), app.get(&path, &committee.secretary)] {
        let reply = reply.expect(200);
        assert!(!reply.body.contains(CLOSED_MARKER), "{}", reply.body);
        let minutes = reply.json();
        assert_eq!(keys(&minutes["items"][3]), ["closed", "legal_basis", "number", "title"]);
        assert_eq!(minutes["items"][3]["title"], "Status, Økonomiudvalget");
        assert_eq!(minutes["items"][0]["decision"]["text"], "Taget til efterretning.");
    }

    // Unpublished meetings and committees that publish nothing are not there.
    for path in [
        format!("/v1/public/meetings/{draft}"),
        format!("/v1/public/meetings/{draft}/published/agenda/1"),
        format!("/v1/public/meetings/{hidden_meeting}"),
        format!("/v1/public/meetings/{hidden_meeting}/published/minutes/1"),
        format!("/v1/public/meetings/{hidden_meeting}/published/minutes/1/html"),
        format!("/v1/public/committees/{}/calendar.ics", hidden.id),
        format!("/v1/public/meetings/{meeting}/published/minutes/2"),
    ] {
        anonymous(app, &path).problem(404, "not-found");
    }
    // A token that is sent is checked.
    app.get("/v1/public/meetings", "not-a-token").problem(401, "unauthorized");
    // The working copy is not public.
    anonymous(app, &format!("/v1/meetings/{meeting}")).problem(401, "unauthorized");
}

fn internal_committees_are_published_to_signed_in_callers(app: &TestApp) {
    let (committee, meeting) = enter_and_publish(app, &seed("seed-2021-04-26.json"), "internal");
    let path = format!("/v1/public/meetings/{meeting}/published/minutes/1");
    anonymous(app, &path).problem(404, "not-found");
    assert_eq!(anonymous(app, "/v1/public/meetings").json()["data"], json!([]));
    let employee = app.token("medarbejder", &[], &[]);
    let listed = app.get("/v1/public/meetings", &employee).expect(200).json();
    assert_eq!(listed["data"][0]["id"], meeting);
    let minutes = app.get(&path, &employee).expect(200);
    assert!(!minutes.body.contains(CLOSED_MARKER));
    // The same through the signed-in API, for someone without a grant.
    let same = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1"), &committee.outsider).expect(200);
    assert!(!same.body.contains(CLOSED_MARKER));
    assert_eq!(keys(&same.json()["items"][0]), ["closed", "legal_basis", "number", "title"]);
    // A member reads the closed items there (not on the public API).
    let member = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1"), &committee.member).expect(200);
    assert!(member.body.contains(CLOSED_MARKER));
    app.get(&format!("/v1/meetings/{meeting}"), &committee.outsider).problem(404, "not-found");
}

fn a_published_version_is_revalidated_and_follows_its_committee(app: &TestApp) {
    let (committee, meeting) = enter_and_publish(app, &seed("seed-2022-04-25.json"), "public");
    let path = format!("/v1/public/meetings/{meeting}/published/minutes/1");
    let first = anonymous(app, &path).expect(200);
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    let etag = first.etag();
    // Served again (from memory) the same, and 304 to a client that has it.
    assert_eq!(anonymous(app, &path).expect(200).body, first.body);
    let revalidated = app.call(Request::new("GET", &path).header("If-None-Match", &etag)).expect(304);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.etag(), etag);
    app.call(Request::new("GET", &path).header("If-None-Match", "\"2\"")).expect(200);

    // The committee is taken off the website: within the cache's freshness, every visitor is refused.
    let committee_path = format!("/v1/committees/{}", committee.id);
    let admin = app.admin();
    let current = app.get(&committee_path, &admin).expect(200);
    let unpublished = app.patch(&committee_path, &admin, &current.etag(), json!({"publication": "none"})).expect(200);
    std::thread::sleep(dagsorden::api::public_versions::FRESH + std::time::Duration::from_millis(100));
    anonymous(app, &path).problem(404, "not-found");
    app.call(Request::new("GET", &path).header("If-None-Match", &etag)).problem(404, "not-found");
    // And published again, it is back.
    app.patch(&committee_path, &admin, &unpublished.etag(), json!({"publication": "public"})).expect(200);
    assert_eq!(anonymous(app, &path).expect(200).body, first.body);
}

fn rendered_minutes_show_what_the_seeds_show(app: &TestApp) {
    let (committee, meeting) = enter_and_publish(app, &seed("seed-2022-04-25.json"), "public");
    let base = format!("/v1/public/meetings/{meeting}/published/minutes/1");
    let markdown = anonymous(app, &format!("{base}/markdown")).expect(200);
    assert_eq!(markdown.header("content-type"), Some("text/markdown; charset=utf-8"));
    let text = markdown.body;
    for expected in [
        "# Referat Direktionen d. 25-04-2022\n",
        "**Mødedato** Mandag d. 25. april 2022 kl. 12:30\n",
        "**Mødested** Ung - Sprog Kalundborg\n",
        "**Mødedeltagere** Søren Ole Sørensen (Fravær), Michel van der Linden, Jan Lysgaard Thomsen, Michael Gravesen\n",
        "## Indholdsfortegnelse\n",
        "- [Decentrale direktionsmøder - Ung - Sprog Kalundborg](#punkt-1)\n",
        "- [Lukket: Status, Økonomiudvalget](#punkt-4)\n",
        "## Punkt 1: Decentrale direktionsmøder - Ung - Sprog Kalundborg\n\nSagsnr.: 21-046857K\n",
        "### Beslutning\n\nTaget til efterretning.\n",
        "#### Resume og sagens baggrund\n",
        "#### Indstillinger\n\nDirektøren indstiller, at orienteringen tages til efterretning.\n",
        "#### Behandling\n\nDirektionen.\n",
        "### Økonomiske konsekvenser\n\nIngen.\n",
        "Malene Goth deltager i behandlingen af punktet.\n",
        "### Beslutning\n\nGodkendt inden for de rammer og målgrupper, som blev drøftet på mødet.\n",
        // A closed item is its title and that it is closed (the seeds' grounds are not a listed
        // provision, and grounds are closed content): the next item follows at once.
        "## Punkt 4: Lukket: Status, Økonomiudvalget\n\n### Lukket punkt\n\nPunktet behandles for lukkede døre.\n\n## Punkt 5: Orientering fra",
        "## Punkt 9: Lukket: Formidling af Direktionens drøftelser og beslutninger til organisationen\n\n### Lukket punkt\n\nPunktet behandles for lukkede døre.\n\n## Punkt 10: Eventuelt",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains(CLOSED_MARKER));
    assert!(!text.contains("22-005112"), "a closed item's case number is closed content");

    let html = anonymous(app, &format!("{base}/html")).expect(200);
    assert_eq!(html.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(html.header("content-security-policy").unwrap().contains("default-src 'none'"));
    let page = html.body;
    for expected in [
        "<html lang=\"da\">",
        "<title>Referat Direktionen d. 25-04-2022</title>",
        "<h1>Referat Direktionen d. 25-04-2022</h1>",
        "<dt>Mødedato</dt><dd>Mandag d. 25. april 2022 kl. 12:30</dd>",
        "<a href=\"#punkt-4\">Lukket: Status, Økonomiudvalget</a>",
        "<h2 id=\"punkt-1-titel\">Punkt 1: Decentrale direktionsmøder - Ung - Sprog Kalundborg</h2>",
        "<h3>Beslutning</h3>\n<p>Taget til efterretning.</p>",
        // The case presentation's Markdown list is a list.
        "<ul>\n<li>\n<p>Eksterne samarbejder, ledermøder og chefnetværksmøder.</p>\n</li>",
    ] {
        assert!(page.contains(expected), "missing {expected:?} in:\n{page}");
    }
    assert!(!page.contains(CLOSED_MARKER));
    assert_eq!(page.matches("<section class=\"item\"").count(), 10);

    // A member's rendering through the signed-in API has the closed items in full.
    let member =
        app.get(&format!("/v1/meetings/{meeting}/published/minutes/1/markdown"), &committee.member).expect(200);
    assert!(
        member.body.contains("## Punkt 4: Lukket: Status, Økonomiudvalget\n\nSagsnr.: 22-005112"),
        "{}",
        member.body
    );
    assert!(member.body.contains(CLOSED_MARKER));
    let reader = app.get(&format!("/v1/meetings/{meeting}/published/minutes/1/html"), &committee.reader).expect(200);
    assert!(!reader.body.contains(CLOSED_MARKER));

    // Attachments of open items are linked and downloadable; a correction is marked as such.
    let item = id(&app.get(&format!("/v1/meetings/{meeting}"), &committee.secretary).json()["items"][1]);
    let file = app.upload(
        item,
        &committee.secretary,
        "Opgaveinitieringsdokument.pdf",
        PDF,
        Some("Opgaveinitieringsdokument FirstAgenda implementering"),
    );
    let file = id(&file.expect(201).json());
    act(app, &committee.secretary, meeting, "publish-minutes", json!({"reason": "Bilag tilføjet"})).expect(201);
    let v2 = anonymous(app, &format!("/v1/public/meetings/{meeting}/published/minutes/2/markdown")).expect(200).body;
    let link = format!("/v1/public/meetings/{meeting}/published/minutes/2/attachments/{file}");
    assert!(
        v2.contains(&format!("### Bilag\n\n- [Opgaveinitieringsdokument FirstAgenda implementering]({link})")),
        "{v2}"
    );
    assert!(v2.contains("Version 2, rettet den ") && v2.contains("Bilag tilføjet"), "{v2}");
    let download = anonymous(app, &link).expect(200);
    assert_eq!(download.bytes, PDF);
    assert_eq!(download.header("cache-control"), Some("public, max-age=3600"));
}

fn seed_2021_renders_its_case_references(app: &TestApp) {
    let (_, meeting) = enter_and_publish(app, &seed("seed-2021-04-26.json"), "public");
    let text = anonymous(app, &format!("/v1/public/meetings/{meeting}/published/minutes/1/markdown")).expect(200).body;
    for expected in [
        "# Referat Direktionen d. 26-04-2021\n",
        "**Mødested** Virtuelt via Teams\n",
        "## Punkt 1: Lukket: Indsatser, der kan understøtte erhvervslivets efterspørgsel efter faglært arbejdskraft\n\n### Lukket punkt\n\nPunktet behandles for lukkede døre.\n\n## Punkt 2: Lukket: Drøftelse af kommende temamøde i KB\n\n### Lukket punkt\n\nPunktet behandles for lukkede døre.\n\n## Punkt 3: Lederkonference 2021\n",
        "Sagsnr.: 326-2021-15058 J.nr.: 81.44.00 Dokumentnr.: 326-2021-97139\n",
        "#### Sagstype\n\nBeslutning.\n",
        "### Beslutning\n\nDirektionen besluttede, at konferencen afvikles den 7. -8. oktober 2021",
        "## Punkt 11: Eventuelt\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains(CLOSED_MARKER));
}

/// The events of an iCalendar text, parsed by an independent parser, as (property → value) maps
/// with `TZID` parameters kept as `NAME;TZID`.
fn parse_calendar(text: &str) -> (Vec<Vec<(String, String)>>, usize) {
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("a valid calendar");
    assert!(parser.next().is_none());
    let events = calendar
        .events
        .iter()
        .map(|event| {
            event
                .properties
                .iter()
                .map(|p| {
                    let tzid = p.params.iter().flatten().find(|(k, _)| k == "TZID").map(|(_, v)| v.join(","));
                    let name = match tzid {
                        Some(zone) => format!("{};TZID={zone}", p.name),
                        None => p.name.clone(),
                    };
                    (name, p.value.clone().unwrap_or_default())
                })
                .collect()
        })
        .collect();
    (events, calendar.timezones.len())
}

fn value<'a>(event: &'a [(String, String)], name: &str) -> &'a str {
    event.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {name}: {event:?}"))
}

fn a_public_committee_calendar_validates_and_follows_cancellation(app: &TestApp) {
    let committee = fixtures::committee(app, "Byrådet", "public");
    let secretary = &committee.secretary;
    let summer = id(&fixtures::meeting(app, &committee, "2035-06-24T17:00:00+02:00"));
    let winter = id(&fixtures::meeting(app, &committee, "2035-12-16T17:00:00+01:00"));
    let draft = id(&fixtures::meeting(app, &committee, "2035-09-30T17:00:00+02:00"));
    for meeting in [summer, winter, draft] {
        fixtures::item(app, &committee, meeting, json!({"title": "Eventuelt"}));
    }
    for meeting in [summer, winter] {
        act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
    }
    let path = format!("/v1/public/committees/{}/calendar.ics", committee.id);
    let reply = anonymous(app, &path).expect(200);
    assert_eq!(reply.header("content-type"), Some("text/calendar; charset=utf-8"));
    let (events, zones) = parse_calendar(&reply.body);
    assert_eq!(zones, 1, "the Europe/Copenhagen VTIMEZONE");
    assert_eq!(events.len(), 2, "drafts are not public");
    assert_eq!(value(&events[0], "DTSTART;TZID=Europe/Copenhagen"), "20350624T170000");
    assert_eq!(value(&events[1], "DTSTART;TZID=Europe/Copenhagen"), "20351216T170000");
    assert_eq!(value(&events[0], "SUMMARY"), "Byrådet: Direktionsmøde");
    assert_eq!(value(&events[0], "LOCATION"), "Rådhuset");
    assert_eq!(value(&events[0], "STATUS"), "CONFIRMED");
    let uid = value(&events[0], "UID").to_owned();
    let sequence: i64 = value(&events[0], "SEQUENCE").parse().unwrap();
    assert!(value(&events[0], "URL").ends_with(&format!("/v1/public/meetings/{summer}/published/agenda/1/html")));

    act(app, secretary, summer, "cancel", json!({"reason": "Ingen sager"})).expect(200);
    let (events, _) = parse_calendar(&anonymous(app, &path).body);
    assert_eq!(value(&events[0], "UID"), uid, "the UID stays");
    assert_eq!(value(&events[0], "STATUS"), "CANCELLED");
    assert!(value(&events[0], "SEQUENCE").parse::<i64>().unwrap() > sequence);
}

fn a_personal_feed_follows_its_user_and_can_be_revoked(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let other = fixtures::committee(app, "Økonomiudvalget", "none");
    let mine = id(&fixtures::meeting(app, &committee, "2999-04-25T12:30:00+02:00"));
    fixtures::meeting(app, &other, "2999-04-26T12:30:00+02:00");

    let created = app.post("/v1/me/calendar-feeds", &committee.member, json!({"name": "Telefon"})).expect(201);
    let feed = created.json();
    let url = feed["url"].as_str().unwrap().to_owned();
    let path = url.split_once("://").unwrap().1.split_once('/').unwrap().1;
    let path = format!("/{path}");
    assert!(path.starts_with("/v1/public/calendar-feeds/dgsf_"), "{path}");
    let listed = app.get("/v1/me/calendar-feeds", &committee.member).expect(200).json();
    assert!(!listed.to_string().contains(path.rsplit('/').next().unwrap()), "the secret is shown once");
    assert_eq!(app.get("/v1/me/calendar-feeds", &committee.reader).json(), json!([]));

    // No token: the URL is the secret. The feed holds the member's meetings only, drafts tentative.
    let (events, _) = parse_calendar(&anonymous(app, &path).expect(200).body);
    assert_eq!(events.len(), 1);
    assert_eq!(value(&events[0], "UID").split('@').next(), Some(format!("meeting-{mine}").as_str()));
    assert_eq!(value(&events[0], "STATUS"), "TENTATIVE");
    assert_eq!(value(&events[0], "SUMMARY"), "Direktionen: Direktionsmøde");
    anonymous(app, "/v1/public/calendar-feeds/dgsf_guessed").problem(404, "not-found");

    // A deactivated user's feed stops at once; reactivated, it is back.
    let admin = app.admin();
    let user = id(&app.get(&format!("/v1/users?subject={}", committee.member_subject), &admin).json()["data"][0]);
    app.post(&format!("/v1/users/{user}/deactivate"), &admin, json!({"reason": "Fratrådt"})).expect(200);
    anonymous(app, &path).problem(404, "not-found");
    app.post(&format!("/v1/users/{user}/reactivate"), &admin, json!({})).expect(200);
    anonymous(app, &path).expect(200);

    // Revoked: gone. Someone else cannot revoke it; a service client has no feeds.
    let feed_path = format!("/v1/me/calendar-feeds/{}", id(&feed));
    app.delete(&feed_path, &committee.reader, &created.etag()).problem(404, "not-found");
    app.delete(&feed_path, &committee.member, &created.etag()).expect(204);
    anonymous(app, &path).problem(404, "not-found");
    let (client, secret) = app.register_client("System", &[], None);
    let client = app.client_token(&client, &secret);
    app.post("/v1/me/calendar-feeds", &client, json!({})).problem(403, "forbidden");
}
