//! Every operation of the API, as a concrete request, and every kind of caller: the ground the
//! authorization matrix and the leak test stand on. Operations are read from the OpenAPI document the
//! service serves, so that a new route cannot be left out of either test.

use std::collections::BTreeMap;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::common::{Reply, Request, SECRET, TestApp, multipart, urlencode};
use crate::fixtures::{self, id, unique};
use crate::receiver::WebhookReceiver;

/// The kinds of caller the tests try every operation as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    Anonymous,
    NoGrant,
    Reader,
    Member,
    Secretary,
    /// A member excluded (inhabil) from the closed item.
    ExcludedMember,
    /// An admin without any grant.
    Admin,
    Finance,
    Auditor,
    /// A member who has been deactivated (tokens still unexpired).
    Deactivated,
    /// A service client acting as the readers' group.
    Client,
    /// A valid signature, for another audience.
    OtherAudience,
    Expired,
}

pub const EVERYONE: [Who; 13] = [
    Who::Anonymous,
    Who::NoGrant,
    Who::Reader,
    Who::Member,
    Who::Secretary,
    Who::ExcludedMember,
    Who::Admin,
    Who::Finance,
    Who::Auditor,
    Who::Deactivated,
    Who::Client,
    Who::OtherAudience,
    Who::Expired,
];

/// Everyone who may not read the committee's closed content.
pub const NON_MEMBERS: [Who; 11] = [
    Who::Anonymous,
    Who::NoGrant,
    Who::Reader,
    Who::ExcludedMember,
    Who::Admin,
    Who::Finance,
    Who::Auditor,
    Who::Deactivated,
    Who::Client,
    Who::OtherAudience,
    Who::Expired,
];

/// Stands in every closed field of the closed item (and in the exclusion's reason): wherever it
/// turns up, closed content has reached someone.
pub const MARKER: &str = "MARKER-9d1f0c7e";
/// The closed item's case and document numbers carry the marker too (in their allowed alphabet).
pub const MARKED_CASE: &str = "MARKER-9d1f0c7e-CASE";
const MARKED_DOCUMENT: &str = "MARKER-9d1f0c7e-DOC";

/// A committee with a meeting, one open and one closed item, and everything else an operation can
/// name, plus a token for each kind of caller.
pub struct World<'a> {
    pub app: &'a TestApp,
    tokens: BTreeMap<Who, String>,
    ids: BTreeMap<&'static str, i64>,
    committee: i64,
    spare_group: i64,
    token_client: (String, String),
    item_ids: Vec<i64>,
    /// The secret of the member's calendar feed.
    feed_token: String,
    /// The receiver of the reader client's webhook, subscribed before any content was made.
    receiver: WebhookReceiver,
}

/// The id of the first delivery of a webhook, once the service has queued it.
fn first_delivery(app: &TestApp, token: &str, webhook: i64) -> i64 {
    for _ in 0..200 {
        let listed = app.get(&format!("/v1/webhooks/{webhook}/deliveries"), token).expect(200).json();
        if let Some(delivery) = listed["data"].as_array().unwrap().last() {
            return id(delivery);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no delivery was queued for webhook {webhook}");
}

fn hs256(claims: Value) -> String {
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET)).unwrap()
}

impl<'a> World<'a> {
    pub fn build(app: &'a TestApp) -> World<'a> {
        let admin = app.admin();
        let committee = fixtures::committee(app, "Direktionen", "none");
        // The client acting as the readers subscribes to everything before anything is made: every
        // change it may see, and nothing else, is delivered to it.
        let (reader_client, reader_secret) = app.register_client("Læser", &[], Some(committee.reader_group));
        let client_token = app.client_token(&reader_client, &reader_secret);
        let receiver = WebhookReceiver::start(Vec::new());
        let webhook = app.post("/v1/webhooks", &client_token, json!({"url": receiver.url})).expect(201).json();
        let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
        let meeting_id = id(&meeting);
        let participant = app
            .post(
                &format!("/v1/meetings/{meeting_id}/participants"),
                &committee.secretary,
                json!({"name": "Jan Lysgaard Thomsen"}),
            )
            .expect(201)
            .json();
        let open =
            fixtures::item(app, &committee, meeting_id, json!({"title": "Eventuelt", "summary": "Åbent indhold"}));
        let closed = fixtures::item(
            app,
            &committee,
            meeting_id,
            json!({
                "title": "Status, Økonomiudvalget",
                "closed": true, "legal_basis": "offentlighedsloven_30_1",
                "case_number": MARKED_CASE,
                "journal_number": "00.22.04",
                "document_number": MARKED_DOCUMENT,
                "case_type": "information",
                "summary": format!("{MARKER} resume"),
                "recommendation": format!("{MARKER} indstilling"),
                "handled_by": format!("{MARKER} behandling"),
                "presentation": format!("{MARKER} sagsfremstilling"),
                "financial_consequences": format!("{MARKER} økonomi")
            }),
        );
        let excluded = app.token("inhabil", &[&committee.member_external], &[]);
        let exclusion = app
            .post(
                &format!("/v1/items/{}/exclusions", id(&closed)),
                &committee.secretary,
                json!({"subject": "inhabil", "reason": format!("{MARKER} inhabilitet")}),
            )
            .expect(201)
            .json();

        // Money: an amount of each item, an allocation of the open item paid by a unit without a
        // role, and one of the closed item paid by the readers' group, made by a finance officer who
        // is a member of the committee. The closed item's amount and allocation carry the marker.
        let secretary = &committee.secretary;
        let amount =
            json!({"label": format!("{MARKER} beløb"), "kind": "expense", "recurrence": "one_off", "amount_ore": 100});
        let closed_amount =
            app.post(&format!("/v1/items/{}/amounts", id(&closed)), secretary, amount).expect(201).json();
        let amount = json!({"label": "Licenser", "kind": "expense", "recurrence": "annual", "amount_ore": 5_000_000});
        let open_amount = app.post(&format!("/v1/items/{}/amounts", id(&open)), secretary, amount).expect(201).json();
        let finance_member = app.token("oekonomichef", &[&committee.member_external], &["finance"]);
        let (spare_group, _) = fixtures::group(app, "Uden rettigheder", "unit", None);
        let allocation = |body: Value| app.post("/v1/allocations", &finance_member, body).expect(201).json();
        let open_allocation = allocation(json!({
            "title": "Licenser", "total_ore": 5_000_000, "kind": "annual", "first_year": 2022, "status": "approved",
            "item_id": id(&open), "method": "equal", "payers": [{"group_id": spare_group}],
        }));
        let closed_allocation = allocation(json!({
            "title": format!("{MARKER} fordeling"), "description": format!("{MARKER} beskrivelse"),
            "total_ore": 100, "kind": "one_off", "first_year": 2022, "status": "approved", "item_id": id(&closed),
            "method": "equal", "payers": [{"group_id": committee.reader_group}],
        }));

        let published = Published::build(app, &committee);
        let held = Held::build(app, &committee);
        let standing = app
            .post(
                &format!("/v1/committees/{}/standing-items", committee.id),
                &committee.secretary,
                json!({"title": "Orientering om sager på vej", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": format!("{MARKER} fast punkt")}),
            )
            .expect(201)
            .json();

        // A seat from a later term than the catalogue's meetings, so that their quorum is not counted.
        let roster = format!("/v1/committees/{}/roster", committee.id);
        let seat = json!({"name": "Ny i udvalget", "party": "V", "from": "2023-01-01"});
        let roster_member = id(&app.post(&roster, &committee.secretary, seat).expect(201).json());

        // The marked case's route, through the committee alone.
        let route = json!({"steps": [{"committee_id": committee.id, "decides": true}]});
        let path = format!("/v1/cases/{MARKED_CASE}/route");
        app.call(Request::new("PUT", &path).token(&committee.secretary).json(route)).expect(201);

        let public = PublicMeeting::build(app);
        let feed = app.post("/v1/me/calendar-feeds", &committee.member, json!({"name": "Telefon"})).expect(201).json();
        let feed_token = feed["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();

        let (group, _) = fixtures::group(app, "Matrixgruppe", "unit", None);
        let member = app
            .post(&format!("/v1/access-groups/{group}/members"), &admin, json!({"subject": "lokalt-medlem"}))
            .expect(201)
            .json();
        let (kind_group, _) = fixtures::group(app, "Netværk", "unit", None);
        let kind_grant = app
            .post("/v1/grants", &admin, json!({"group_id": kind_group, "committee_kind": "network", "role": "reader"}))
            .expect(201)
            .json();
        let grants = app.get(&format!("/v1/committees/{}/grants", committee.id), &admin).json();
        let grant = grants.as_array().unwrap().iter().find(|g| g["role"] == "reader").unwrap().clone();

        // Users: a victim of deactivation for the users routes, and a member who has left.
        let victim = app.token("offer", &[], &[]);
        app.get("/v1/me", &victim).expect(200);
        let victim_id = id(&app.get("/v1/users?subject=offer", &admin).json()["data"][0]);
        let leaver = app.token("fratraadt", &[&committee.member_external], &[]);
        app.get("/v1/me", &leaver).expect(200);
        let leaver_id = id(&app.get("/v1/users?subject=fratraadt", &admin).json()["data"][0]);
        app.post(&format!("/v1/users/{leaver_id}/deactivate"), &admin, json!({"reason": "Fratrådt"})).expect(200);

        // Clients: one acting as the readers, one whose record the client routes change, one for
        // the token endpoint.
        let victim_client = app.post("/v1/clients", &admin, json!({"name": "Offer"})).expect(201).json();
        let token_client = app.register_client("Token", &[], None);

        let delivery = first_delivery(app, &client_token, id(&webhook));
        let now = jsonwebtoken::get_current_timestamp();
        let tokens = BTreeMap::from([
            (Who::NoGrant, committee.outsider.clone()),
            (Who::Reader, committee.reader.clone()),
            (Who::Member, committee.member.clone()),
            (Who::Secretary, committee.secretary.clone()),
            (Who::ExcludedMember, excluded),
            (Who::Admin, admin),
            (Who::Finance, app.token("oekonomi", &[], &["finance"])),
            (Who::Auditor, app.token("revisor", &[], &["auditor"])),
            (Who::Deactivated, leaver),
            (Who::Client, client_token),
            (
                Who::OtherAudience,
                hs256(
                    json!({"iss": "dagsorden", "aud": "another-service", "sub": "x", "exp": now + 600, "roles": ["admin"]}),
                ),
            ),
            (
                Who::Expired,
                hs256(
                    json!({"iss": "dagsorden", "aud": "dagsorden", "sub": "x", "exp": now - 3600, "roles": ["admin"]}),
                ),
            ),
        ]);
        let ids = BTreeMap::from([
            ("group", group),
            ("member", id(&member)),
            ("committee", committee.id),
            ("grant", id(&grant)),
            ("kind_grant", id(&kind_grant)),
            ("meeting", meeting_id),
            ("participant", id(&participant)),
            ("item", id(&closed)),
            ("exclusion", id(&exclusion)),
            ("user", victim_id),
            ("published_meeting", published.meeting),
            ("published_item", published.closed_item),
            ("attendance", published.attendance),
            ("sign_off", published.sign_off),
            ("vote", published.vote),
            ("held_item", held.item),
            ("held_vote", held.vote),
            ("dissent", held.dissent),
            ("referral", held.referral),
            ("roster_member", roster_member),
            ("minority", held.minority),
            ("standing_item", id(&standing)),
            ("attachment", published.attachment),
            ("public_committee", public.committee),
            ("public_meeting", public.meeting),
            ("public_attachment", public.attachment),
            ("feed", id(&feed)),
            ("client", id(&victim_client)),
            ("amount", id(&closed_amount)),
            ("open_item", id(&open)),
            ("open_amount", id(&open_amount)),
            ("allocation", id(&open_allocation)),
            ("closed_allocation", id(&closed_allocation)),
            ("webhook", id(&webhook)),
            ("delivery", delivery),
        ]);
        World {
            app,
            tokens,
            ids,
            committee: committee.id,
            spare_group,
            token_client,
            item_ids: vec![id(&open), id(&closed)],
            feed_token,
            receiver,
        }
    }

    /// Everything the reader client's webhook receiver has been sent, once nothing is left to send.
    pub fn webhook_bodies(&self) -> Vec<String> {
        let client = self.token(Who::Client).unwrap();
        let path = format!("/v1/webhooks/{}/deliveries?status=pending", self.ids["webhook"]);
        for _ in 0..200 {
            if self.app.get(&path, client).expect(200).json()["data"].as_array().unwrap().is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.receiver.received().iter().map(|r| String::from_utf8_lossy(&r.body).into_owned()).collect()
    }

    pub fn token(&self, who: Who) -> Option<&str> {
        self.tokens.get(&who).map(String::as_str)
    }

    /// The closed item's id.
    pub fn closed_item(&self) -> i64 {
        self.ids["item"]
    }

    pub fn meeting(&self) -> i64 {
        self.ids["meeting"]
    }

    /// The meeting taken through its life, with published agenda and minutes (two versions).
    pub fn published_meeting(&self) -> i64 {
        self.ids["published_meeting"]
    }

    pub fn committee(&self) -> i64 {
        self.committee
    }

    /// The allocation of the closed item, which carries the marker.
    pub fn closed_allocation(&self) -> i64 {
        self.ids["closed_allocation"]
    }

    /// The concrete request for an operation of the OpenAPI document; `None` for an operation this
    /// catalogue does not know, which the tests report.
    pub fn request(&self, method: &str, template: &str) -> Option<Request> {
        let mut path = template.to_owned();
        let public = template.starts_with("/v1/public/");
        if public {
            // The public API reads the public committee's meeting, agenda version 2.
            path = path
                .replace("{kind}", "agenda")
                .replace("{number}", "2")
                .replace("{attachment_id}", &self.ids["public_attachment"].to_string())
                .replace("{token}", &self.feed_token);
            let key = if template.starts_with("/v1/public/committees") { "public_committee" } else { "public_meeting" };
            path = path.replace("{id}", &self.ids[key].to_string());
        }
        // An allocation is made from the open item's expense: one a finance officer may see.
        if template.ends_with("/amounts/{amount_id}/allocations") {
            path = path
                .replace("{id}", &self.ids["open_item"].to_string())
                .replace("{amount_id}", &self.ids["open_amount"].to_string());
        }
        if template == "/v1/allocations/report" || template == "/v1/allocations/report.csv" {
            path.push_str("?year=2022");
        }
        // Search for the marker: every closed field carries it.
        if template == "/v1/search" {
            path.push_str(&format!("?q={MARKER}"));
        }
        for (param, key) in [
            ("{amount_id}", "amount"),
            ("{member_id}", "member"),
            ("{grant_id}", "grant"),
            ("{participant_id}", "participant"),
            ("{exclusion_id}", "exclusion"),
            ("{attendance_id}", "attendance"),
            ("{sign_off_id}", "sign_off"),
            ("{standing_item_id}", "standing_item"),
            ("{attachment_id}", "attachment"),
            ("{delivery_id}", "delivery"),
            ("{vote_id}", "vote"),
            ("{dissent_id}", "dissent"),
            ("{referral_id}", "referral"),
            ("{roster_member_id}", "roster_member"),
        ] {
            path = path.replace(param, &self.ids[key].to_string());
        }
        path = path
            .replace("{kind}", "minutes")
            .replace("{number}", "2")
            .replace("{case_number}", MARKED_CASE)
            .replace("{slug}", "not-found");
        let resource = template.trim_start_matches("/v1/").split('/').next().unwrap_or("");
        // What happens after the agenda is published happens on the meeting taken through its life.
        let later = [
            "/published",
            "/sign-offs",
            "/publish-",
            "/hold",
            "/cancel",
            "/decision",
            "/attendance",
            "/attachments",
            "/votes",
            "/dissents",
            "/referrals",
        ]
        .iter()
        .any(|part| template.contains(part));
        let main_key = match resource {
            "access-groups" => "group",
            "committees" => "committee",
            "grants" => "kind_grant",
            "meetings" if later => "published_meeting",
            "meetings" => "meeting",
            // A dissent is entered while the meeting is held, before its minutes.
            "items" if template.contains("/dissents") || template.contains("/referrals") => "held_item",
            "items" if later => "published_item",
            "items" => "item",
            "users" => "user",
            "clients" => "client",
            "attachments" => "attachment",
            "allocations" => "allocation",
            "webhooks" => "webhook",
            "me" => "feed",
            _ => "",
        };
        if let Some(id) = self.ids.get(main_key) {
            path = path.replace("{id}", &id.to_string());
        }
        if path.contains('{') {
            return None;
        }
        let method_upper = method.to_uppercase();
        let request = Request::new(&method_upper, &path);
        // Changes and actions carry an old ETag: a caller who may make them gets 412 and nothing
        // changes.
        let acts = method == "post"
            && ((later
                && !["/attendance", "/attachments", "/votes", "/dissents", "/referrals"]
                    .iter()
                    .any(|end| template.ends_with(end)))
                || template.ends_with("/recount"));
        let request = if matches!(method, "patch" | "put" | "delete") || acts {
            request.header("If-Match", "\"0\"")
        } else {
            request
        };
        let body = match (method, template) {
            ("get" | "delete", _) | ("post", "/v1/allocations/{id}/recount") => return Some(request),
            ("post", "/v1/items/{id}/attachments") => {
                let (content_type, body) = multipart(&[("file", Some("notat.txt"), b"Notat")]);
                return Some(request.raw(&content_type, body));
            }
            ("post", "/v1/auth/token") => {
                let (id, secret) = &self.token_client;
                let form = format!(
                    "grant_type=client_credentials&client_id={}&client_secret={}",
                    urlencode(id),
                    urlencode(secret)
                );
                return Some(request.raw("application/x-www-form-urlencoded", form.into_bytes()));
            }
            ("post", "/v1/access-groups") => json!({"name": unique("Ny gruppe"), "tier": "unit"}),
            ("patch", "/v1/access-groups/{id}") => json!({"description": "ændret"}),
            ("post", "/v1/access-groups/{id}/members") => json!({"subject": unique("medlem")}),
            ("post", "/v1/committees") => {
                json!({"name": unique("Udvalg"), "kind": "other", "owner_group_id": self.ids["group"]})
            }
            ("patch", "/v1/committees/{id}") => json!({"description": "ændret"}),
            ("post", "/v1/committees/{id}/grants") => json!({"group_id": self.spare_group, "role": "reader"}),
            ("patch", "/v1/committees/{id}/grants/{grant_id}" | "/v1/grants/{id}") => json!({"role": "member"}),
            ("post", "/v1/grants") => {
                json!({"group_id": self.spare_group, "committee_kind": "school_board", "role": "reader"})
            }
            ("post", "/v1/meetings") => {
                json!({"committee_id": self.committee, "title": "Nyt møde", "starts_at": "2022-05-02T12:30:00+02:00"})
            }
            ("patch", "/v1/meetings/{id}") => json!({"title": "Ændret"}),
            ("post", "/v1/meetings/{id}/participants") => json!({"name": "Ny deltager"}),
            ("patch", "/v1/meetings/{id}/participants/{participant_id}") => json!({"attendance": "absent"}),
            ("post", "/v1/meetings/{id}/items") => json!({"title": "Nyt punkt"}),
            ("put", "/v1/meetings/{id}/item-order") => json!({"item_ids": self.item_ids}),
            ("patch", "/v1/items/{id}") => json!({"title": "Ændret"}),
            ("put", "/v1/items/{id}/decision") => json!({"outcome": "approved"}),
            ("post", "/v1/items/{id}/attendance") => json!({"kind": "guest", "name": unique("Gæst")}),
            ("post", "/v1/meetings/{id}/participants/{participant_id}/item-absences") => json!({"from": 1, "to": 2}),
            ("post", "/v1/items/{id}/votes") => json!({
                "subject": "recommendation", "motion": "Indstillingen", "method": "by_group",
                "positions": [{"stance": "for", "party": "A", "count": 3}],
            }),
            ("post", "/v1/items/{id}/dissents") => {
                json!({"vote_id": self.ids["held_vote"], "participant_id": self.ids["minority"], "text": "Imod"})
            }
            ("post", "/v1/items/{id}/referrals") => json!({"participant_id": self.ids["minority"]}),
            ("post", "/v1/committees/{id}/roster") => {
                json!({"name": unique("Medlem"), "party": "A", "from": "2022-01-01"})
            }
            ("patch", "/v1/committees/{id}/roster/{roster_member_id}") => json!({"name": "Ændret"}),
            ("post", "/v1/meetings/{id}/publish-agenda" | "/v1/meetings/{id}/publish-minutes") => {
                json!({"reason": "Rettelse"})
            }
            ("post", "/v1/meetings/{id}/hold" | "/v1/meetings/{id}/sign-offs") => json!({}),
            ("post", "/v1/meetings/{id}/cancel") => json!({"reason": "Aflyst"}),
            ("post", "/v1/committees/{id}/standing-items") => json!({"title": unique("Fast punkt")}),
            ("post", "/v1/me/calendar-feeds") => json!({"name": "Kalender"}),
            ("patch", "/v1/committees/{id}/standing-items/{standing_item_id}") => json!({"title": "Ændret"}),
            ("post", "/v1/items/{id}/exclusions") => json!({"subject": unique("inhabil")}),
            ("post", "/v1/users/{id}/deactivate") => json!({"reason": "Fratrådt"}),
            ("post", "/v1/users/{id}/reactivate" | "/v1/clients/{id}/secret") => json!({}),
            ("post", "/v1/clients") => json!({"name": unique("System")}),
            ("patch", "/v1/clients/{id}") => json!({"name": "Omdøbt"}),
            ("post", "/v1/items/{id}/amounts") => {
                json!({"label": "Udgift", "kind": "expense", "recurrence": "one_off", "amount_ore": 100})
            }
            ("patch", "/v1/items/{id}/amounts/{amount_id}") => json!({"label": "Ændret"}),
            ("post", "/v1/allocations") => json!({
                "title": unique("Fordeling"), "total_ore": 100, "kind": "one_off", "first_year": 2022,
                "method": "equal", "payers": [{"group_id": self.spare_group}],
            }),
            ("patch", "/v1/allocations/{id}") => json!({"title": "Ændret"}),
            ("put", "/v1/cases/{case_number}/route") => {
                json!({"steps": [{"committee_id": self.ids["committee"], "decides": true}]})
            }
            // Turned off: the catalogue's subscriptions are sent nothing.
            ("post", "/v1/webhooks") => json!({"url": self.receiver.url, "enabled": false}),
            ("patch", "/v1/webhooks/{id}") => json!({"description": "ændret"}),
            ("post", "/v1/webhooks/{id}/secret" | "/v1/webhooks/{id}/deliveries/{delivery_id}/retry") => json!({}),
            ("post", "/v1/items/{id}/amounts/{amount_id}/allocations") => {
                json!({"first_year": 2022, "method": "equal", "payers": [{"group_id": self.spare_group}]})
            }
            _ => return None,
        };
        Some(request.json(body))
    }

    /// Sends an operation's request as `who`.
    pub fn send(&self, request: Request, who: Who) -> Reply {
        match self.token(who) {
            Some(token) => self.app.call(request.token(token)),
            None => self.app.call(request),
        }
    }
}

/// A meeting of the committee taken through its life: agenda published, held, its closed item
/// decided (with guests and an absence), signed off by the member, minutes published and corrected.
/// Every closed field, including the decision and the attendance, carries the marker.
struct Published {
    meeting: i64,
    closed_item: i64,
    attendance: i64,
    sign_off: i64,
    attachment: i64,
    vote: i64,
}

/// A meeting of the committee held and not yet minuted, as a dissent needs it: a closed item (the
/// excluded member excluded from it) with a vote by party groups and a dissent from its minority,
/// both carrying the marker, and a second member of the minority who has not dissented yet.
struct Held {
    item: i64,
    vote: i64,
    dissent: i64,
    referral: i64,
    minority: i64,
}

impl Held {
    fn build(app: &TestApp, committee: &fixtures::CommitteeFixture) -> Held {
        let secretary = &committee.secretary;
        let meeting = id(&fixtures::meeting(app, committee, "2022-04-27T12:30:00+02:00"));
        let participants = format!("/v1/meetings/{meeting}/participants");
        let minority = |name: &str| {
            id(&app.post(&participants, secretary, json!({"name": name, "party": "Ø"})).expect(201).json())
        };
        let (first, second) = (minority("Mindretal"), minority("Mindretal 2"));
        let item = json!({"title": "Lukket sag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": format!("{MARKER} resume")});
        let item = id(&fixtures::item(app, committee, meeting, item));
        app.post(&format!("/v1/items/{item}/exclusions"), secretary, json!({"subject": "inhabil"})).expect(201);
        fixtures::publish_and_hold(app, secretary, meeting);
        let (vote, dissent) = vote_and_dissent(app, secretary, item, first);
        let referral = referral(app, secretary, item, first);
        Held { item, vote, dissent, referral, minority: second }
    }
}

/// The participant's demand under § 23 that the item go before the council, its note carrying the
/// marker.
fn referral(app: &TestApp, secretary: &str, item: i64, participant: i64) -> i64 {
    let body = json!({"participant_id": participant, "note": format!("{MARKER} standsningsret")});
    id(&app.post(&format!("/v1/items/{item}/referrals"), secretary, body).expect(201).json())
}

/// A vote by party groups on the item, and a dissent from the participant in its minority.
fn vote_and_dissent(app: &TestApp, secretary: &str, item: i64, minority: i64) -> (i64, i64) {
    let vote = json!({
        "subject": "proposal", "motion": format!("{MARKER} forslag"), "method": "by_group",
        "positions": [{"stance": "for", "party": "A", "count": 3}, {"stance": "against", "party": "Ø", "count": 1}],
    });
    let vote = id(&app.post(&format!("/v1/items/{item}/votes"), secretary, vote).expect(201).json());
    let dissent = json!({"vote_id": vote, "participant_id": minority, "text": format!("{MARKER} mindretalsudtalelse")});
    let dissent = id(&app.post(&format!("/v1/items/{item}/dissents"), secretary, dissent).expect(201).json());
    (vote, dissent)
}

impl Published {
    fn build(app: &TestApp, committee: &fixtures::CommitteeFixture) -> Published {
        let secretary = &committee.secretary;
        let meeting = id(&fixtures::meeting(app, committee, "2022-04-26T12:30:00+02:00"));
        let approver =
            json!({"name": "Jan Lysgaard Thomsen", "user_subject": committee.member_subject, "approver": true});
        let participant =
            app.post(&format!("/v1/meetings/{meeting}/participants"), secretary, approver).expect(201).json();
        fixtures::item(app, committee, meeting, json!({"title": "Eventuelt", "summary": "Åbent indhold"}));
        let closed = id(&fixtures::item(
            app,
            committee,
            meeting,
            json!({
                "title": "Formidling af Direktionens drøftelser",
                "closed": true, "legal_basis": "offentlighedsloven_30_1",
                "closed_grounds": format!("{MARKER} begrundelse"),
                "case_number": MARKED_CASE,
                "document_number": MARKED_DOCUMENT,
                "summary": format!("{MARKER} resume"),
                "presentation": format!("{MARKER} sagsfremstilling"),
            }),
        ));
        let attendance = format!("/v1/items/{closed}/attendance");
        let guest = json!({"kind": "guest", "name": format!("{MARKER} gæst"), "note": format!("{MARKER} note")});
        let guest = app.post(&attendance, secretary, guest).expect(201).json();
        let absence =
            json!({"kind": "absent", "participant_id": id(&participant), "note": format!("{MARKER} inhabil")});
        app.post(&attendance, secretary, absence).expect(201);
        app.post(&format!("/v1/items/{closed}/exclusions"), secretary, json!({"subject": "inhabil"})).expect(201);
        let bilag = format!("{MARKER} bilag");
        let attachment = app.upload(closed, secretary, &format!("{MARKER}.txt"), bilag.as_bytes(), Some(&bilag));
        let attachment = id(&attachment.expect(201).json());
        // A closed item whose very title is withheld, its grounds closed content too.
        let withheld = json!({
            "title": format!("{MARKER} tilbageholdt titel"), "closed": true, "legal_basis": "other",
            "closed_grounds": format!("{MARKER} hjemmel"), "title_withheld": true,
        });
        let withheld = id(&fixtures::item(app, committee, meeting, withheld));
        app.post(&format!("/v1/items/{withheld}/exclusions"), secretary, json!({"subject": "inhabil"})).expect(201);
        fixtures::publish_and_hold(app, secretary, meeting);
        // Its public wording held back until a day long after the test.
        let decision = json!({
            "outcome": "noted", "text": format!("{MARKER} beslutning"),
            "public_text": format!("{MARKER} offentlig beslutning"), "public_from": "2099-12-31",
        });
        fixtures::decide(app, secretary, closed, decision);
        // The protocol: a vote by party groups and a dissent from its minority, both closed content.
        let minority = json!({"name": "Mindretal", "party": "Ø"});
        let minority =
            id(&app.post(&format!("/v1/meetings/{meeting}/participants"), secretary, minority).expect(201).json());
        let (vote, _) = vote_and_dissent(app, secretary, closed, minority);
        referral(app, secretary, closed, minority);
        // A disqualification as a protocol entry, its ruling closed content too.
        let ruling = json!({"participant_id": minority, "ruling": format!("{MARKER} kendelse"), "left_room": false});
        app.post(&format!("/v1/items/{closed}/exclusions"), secretary, ruling).expect(201);
        let etag = app.get(&format!("/v1/meetings/{meeting}"), &committee.member).etag();
        let sign_off =
            app.post_if(&format!("/v1/meetings/{meeting}/sign-offs"), &committee.member, &etag, json!({})).expect(201);
        fixtures::act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
        let path = format!("/v1/items/{closed}");
        let etag = app.get(&path, secretary).etag();
        app.patch(&path, secretary, &etag, json!({"summary": format!("{MARKER} rettet resume")})).expect(200);
        fixtures::act(app, secretary, meeting, "publish-minutes", json!({"reason": "Rettelse"})).expect(201);
        Published {
            meeting,
            closed_item: closed,
            attendance: id(&guest),
            sign_off: id(&sign_off.json()),
            attachment,
            vote,
        }
    }
}

/// A public committee's meeting with its agenda published and corrected: an open item with an
/// attachment, and a closed item whose every field carries the marker.
struct PublicMeeting {
    committee: i64,
    meeting: i64,
    attachment: i64,
}

impl PublicMeeting {
    fn build(app: &TestApp) -> PublicMeeting {
        let committee = fixtures::committee(app, "Byrådet", "public");
        let secretary = &committee.secretary;
        let meeting = id(&fixtures::meeting(app, &committee, "2022-05-26T18:00:00+02:00"));
        let open = id(&fixtures::item(app, &committee, meeting, json!({"title": "Regnskab 2021", "summary": "Åbent"})));
        let attachment = id(&app.upload(open, secretary, "regnskab.txt", b"Regnskab", None).expect(201).json());
        fixtures::item(
            app,
            &committee,
            meeting,
            json!({
                "title": format!("Salg af ejendom {MARKER}"),
                "closed": true, "legal_basis": "offentlighedsloven_33_3", "title_withheld": true,
                "closed_grounds": format!("{MARKER} forhandlingssituation"),
                "case_number": MARKED_CASE,
                "summary": format!("{MARKER} offentligt møde, lukket punkt"),
                "presentation": format!("{MARKER} sagsfremstilling"),
            }),
        );
        fixtures::act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
        fixtures::act(app, secretary, meeting, "publish-agenda", json!({"reason": "Rettelse"})).expect(201);
        PublicMeeting { committee: committee.id, meeting, attachment }
    }
}

/// Every operation of the served OpenAPI document, as (method, path template).
pub fn operations(app: &TestApp) -> Vec<(String, String)> {
    operations_of(&app.call(Request::new("GET", "/v1/openapi.json")).expect(200).json())
}

/// Every operation of an OpenAPI document, as (method, path).
pub fn operations_of(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push((method.clone(), path.clone()));
        }
    }
    operations
}
