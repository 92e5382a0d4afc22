//! Attachments (bilag) through the API: upload, list, download with the right headers, type checked
//! by content, the size limit, closed items, published versions keeping their files, and an
//! interrupted upload leaving nothing behind.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::json;

use crate::common::{Request, TestApp, multipart};
use crate::db_tests;
use crate::fixtures::{self, CommitteeFixture, act, id};

db_tests!(
    an_attachment_is_uploaded_listed_and_downloaded,
    the_content_decides_the_type,
    uploads_beyond_the_limit_are_refused,
    attachments_of_closed_items_are_closed_content,
    published_versions_keep_their_attachments,
    an_interrupted_upload_leaves_nothing,
    a_retried_upload_is_stored_once,
);

/// A small but well-formed PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn item(app: &TestApp, committee: &CommitteeFixture, body: serde_json::Value) -> (i64, i64) {
    let meeting = id(&fixtures::meeting(app, committee, "2022-04-25T12:30:00+02:00"));
    (meeting, id(&fixtures::item(app, committee, meeting, body)))
}

fn attachments_of(app: &TestApp, item: i64, token: &str) -> usize {
    app.get(&format!("/v1/items/{item}/attachments"), token).expect(200).json().as_array().unwrap().len()
}

fn an_attachment_is_uploaded_listed_and_downloaded(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (_, item) = item(app, &committee, json!({"title": "Implementering af FirstAgenda"}));
    let reply = app.upload(
        item,
        &committee.secretary,
        "Opgaveinitieringsdokument.pdf",
        PDF,
        Some("Opgaveinitieringsdokument FirstAgenda implementering"),
    );
    let reply = reply.expect(201);
    let created = reply.json();
    let location = reply.header("location").unwrap().to_owned();
    assert_eq!(location, format!("/v1/attachments/{}", id(&created)));
    assert_eq!(created["title"], "Opgaveinitieringsdokument FirstAgenda implementering");
    assert_eq!(created["filename"], "Opgaveinitieringsdokument.pdf");
    assert_eq!(created["content_type"], "application/pdf");
    assert_eq!(created["size"], PDF.len());
    let sha = created["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha.len(), 64);

    // A title defaults to the file name without its extension; names keep their Danish letters.
    let second =
        app.upload(item, &committee.secretary, "Årsskriv 2021 Kontrolgruppen.txt", "Årsskriv\n".as_bytes(), None);
    let second = second.expect(201).json();
    assert_eq!(second["title"], "Årsskriv 2021 Kontrolgruppen");
    assert_eq!(second["content_type"], "text/plain; charset=utf-8");

    let list = app.get(&format!("/v1/items/{item}/attachments"), &committee.reader).expect(200).json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(app.get(&location, &committee.reader).expect(200).json(), created);

    let download = app.get(&format!("{location}/content"), &committee.reader).expect(200);
    assert_eq!(download.bytes, PDF);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    assert_eq!(download.header("etag"), Some(format!("\"{sha}\"").as_str()));
    let disposition = download.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains("Opgaveinitieringsdokument.pdf"), "{disposition}");
    let unchanged = app.call(
        Request::new("GET", &format!("{location}/content"))
            .token(&committee.reader)
            .header("If-None-Match", &format!("\"{sha}\"")),
    );
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.bytes.is_empty());
    let danish = app.get(&format!("/v1/attachments/{}/content", id(&second)), &committee.reader).expect(200);
    let disposition = danish.header("content-disposition").unwrap();
    assert!(disposition.contains("filename*=UTF-8''%C3%85rsskriv%202021%20Kontrolgruppen.txt"), "{disposition}");

    // Only the committee's secretaries attach and remove files.
    app.upload(item, &committee.member, "x.pdf", PDF, None).problem(403, "forbidden");
    app.upload(item, &committee.outsider, "x.pdf", PDF, None).problem(404, "not-found");
    app.delete(&location, &committee.member, &reply.etag()).problem(403, "forbidden");
    app.delete(&location, &committee.secretary, "\"7\"").problem(412, "precondition-failed");
    app.delete(&location, &committee.secretary, &reply.etag()).expect(204);
    app.get(&location, &committee.secretary).problem(404, "not-found");
    assert_eq!(attachments_of(app, item, &committee.secretary), 1);
}

fn the_content_decides_the_type(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (_, item) = item(app, &committee, json!({"title": "MARS"}));
    let secretary = &committee.secretary;
    let refused = app.upload(item, secretary, "notat.pdf", PNG, None).problem(422, "validation-failed");
    assert_eq!(refused["errors"][0]["field"], "file");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("PNG image"), "{refused}");
    for (name, content) in [
        ("program.pdf", &b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0"[..]),
        ("arkiv.zip", &b"PK\x03\x04\x14\0\0\0\x08\0"[..]),
        ("tom.txt", &b""[..]),
        ("binær.txt", &b"\0\x01\x02\x03"[..]),
    ] {
        assert_eq!(app.upload(item, secretary, name, content, None).error_fields(422), ["file"], "{name}");
    }
    let path = format!("/v1/items/{item}/attachments");
    let send = |parts: &[(&str, Option<&str>, &[u8])]| {
        let (content_type, body) = multipart(parts);
        app.call(Request::new("POST", &path).token(secretary).raw(&content_type, body))
    };
    assert_eq!(send(&[("title", None, b"Kun titel")]).error_fields(422), ["file"]);
    assert_eq!(send(&[("file", None, PDF)]).error_fields(422), ["file"]);
    assert_eq!(send(&[("file", Some("a.pdf"), PDF), ("closed", None, b"true")]).error_fields(422), ["closed"]);
    assert_eq!(send(&[("file", Some("a.pdf"), PDF), ("file", Some("b.pdf"), PDF)]).error_fields(422), ["file"]);
    let long = "x".repeat(301);
    assert_eq!(send(&[("file", Some("a.pdf"), PDF), ("title", None, long.as_bytes())]).error_fields(422), ["title"]);
    let json = app.post(&path, secretary, json!({"file": "JVBERi0="}));
    json.problem(415, "unsupported-media-type");
    assert_eq!(attachments_of(app, item, secretary), 0, "nothing was stored");
    // A name with a path keeps its last part only.
    let kept = app.upload(item, secretary, "../../etc/Bilag 1.pdf", PDF, None).expect(201).json();
    assert_eq!(kept["filename"], "Bilag 1.pdf");
}

fn uploads_beyond_the_limit_are_refused(backend: &TestApp) {
    let app = TestApp::builder(backend.backend).options(|o| o.upload_limit = 4096).start();
    let committee = fixtures::committee(&app, "Direktionen", "none");
    let (_, item) = item(&app, &committee, json!({"title": "Bilag"}));
    let at_limit = vec![b'a'; 4096];
    app.upload(item, &committee.secretary, "grænse.txt", &at_limit, None).expect(201);
    let beyond = vec![b'a'; 4097];
    let refused =
        app.upload(item, &committee.secretary, "for-stor.txt", &beyond, None).problem(413, "payload-too-large");
    assert!(refused["detail"].as_str().unwrap().contains("4096"), "{refused}");
    // Far beyond: refused on its declared length, before it is read.
    let huge = vec![b'a'; 200_000];
    app.upload(item, &committee.secretary, "meget-stor.txt", &huge, None).problem(413, "payload-too-large");
    assert_eq!(attachments_of(&app, item, &committee.secretary), 1);
}

fn attachments_of_closed_items_are_closed_content(app: &TestApp) {
    const MARKER: &str = "BILAG-MARKØR-51c2";
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (_, item) = item(
        app,
        &committee,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1"}),
    );
    let filename = format!("{MARKER}.txt");
    let created = app.upload(item, &committee.secretary, &filename, MARKER.as_bytes(), Some(MARKER)).expect(201).json();
    let path = format!("/v1/attachments/{}", id(&created));
    for token in [&committee.reader, &committee.outsider] {
        for reply in [
            app.get(&format!("/v1/items/{item}/attachments"), token),
            app.get(&path, token),
            app.get(&format!("{path}/content"), token),
            app.delete(&path, token, "\"1\""),
        ] {
            assert!(reply.status == 403 || reply.status == 404, "{}", reply.status);
            assert!(!reply.body.contains(MARKER), "{}", reply.body);
            assert!(reply.headers.iter().all(|(_, v)| !v.contains(MARKER)));
        }
    }
    assert_eq!(app.get(&format!("{path}/content"), &committee.member).expect(200).body, MARKER);
    // Its download is a read of closed content in the audit trail.
    let auditor = app.token("revisor", &[], &["auditor"]);
    let mut reads = Vec::new();
    for _ in 0..50 {
        reads = app.get(&format!("/v1/audit?action=read&object_type=item&object_id={item}"), &auditor).json()["data"]
            .as_array()
            .unwrap()
            .clone();
        if !reads.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!reads.is_empty(), "the download of a closed attachment is audited");
}

fn published_versions_keep_their_attachments(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let secretary = &committee.secretary;
    let (meeting, item) = item(app, &committee, json!({"title": "MARS"}));
    let kept = app.upload(item, secretary, "MARS 326-2021-95815.pdf", PDF, None).expect(201);
    let draft_only = app.upload(item, secretary, "kladde.txt", b"kladde", None).expect(201);
    // Removed before anything was published: gone for good.
    app.delete(&format!("/v1/attachments/{}", id(&draft_only.json())), secretary, &draft_only.etag()).expect(204);
    act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);

    let attachment = id(&kept.json());
    let path = format!("/v1/attachments/{attachment}");
    let etag = app.get(&path, secretary).etag();
    app.delete(&path, secretary, &etag).expect(204);
    app.get(&path, secretary).problem(404, "not-found");
    assert_eq!(attachments_of(app, item, secretary), 0);
    act(app, secretary, meeting, "publish-agenda", json!({"reason": "Bilag fjernet"})).expect(201);

    let v1 = app.get(&format!("/v1/meetings/{meeting}/published/agenda/1"), &committee.reader).json();
    assert_eq!(v1["items"][0]["attachments"][0]["filename"], "MARS 326-2021-95815.pdf");
    let download = format!("/v1/meetings/{meeting}/published/agenda/1/attachments/{attachment}");
    let file = app.get(&download, &committee.reader).expect(200);
    assert_eq!(file.bytes, PDF);
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    let v2 = app.get(&format!("/v1/meetings/{meeting}/published/agenda/2"), &committee.reader).json();
    assert_eq!(v2["items"][0]["attachments"], json!([]));
    app.get(&format!("/v1/meetings/{meeting}/published/agenda/2/attachments/{attachment}"), &committee.reader)
        .problem(404, "not-found");
    let diff = app.get(&format!("/v1/meetings/{meeting}/published/agenda/2/diff"), &committee.reader).json();
    assert_eq!(diff["items"][0]["fields"][0]["field"], "attachments");
}

fn an_interrupted_upload_leaves_nothing(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (_, item) = item(app, &committee, json!({"title": "Bilag"}));
    let (content_type, body) = multipart(&[("file", Some("stort.pdf"), &[PDF, &vec![b' '; 100_000][..]].concat())]);
    let address = app.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /v1/items/{item}/attachments HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        committee.secretary,
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..body.len() / 2]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    stream.shutdown(std::net::Shutdown::Both).unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    // The service is fine and has stored nothing.
    assert_eq!(attachments_of(app, item, &committee.secretary), 0);
    app.upload(item, &committee.secretary, "stort.pdf", PDF, None).expect(201);
    assert_eq!(attachments_of(app, item, &committee.secretary), 1);
}

fn a_retried_upload_is_stored_once(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let (_, item) = item(app, &committee, json!({"title": "Bilag"}));
    let (content_type, body) = multipart(&[("file", Some("notat.pdf"), PDF)]);
    let send = || {
        app.call(
            Request::new("POST", &format!("/v1/items/{item}/attachments"))
                .token(&committee.secretary)
                .header("Idempotency-Key", "upload-notat-1")
                .raw(&content_type, body.clone()),
        )
    };
    let first = send().expect(201);
    let again = send().expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.json(), again.json());
    assert_eq!(attachments_of(app, item, &committee.secretary), 1);
}
