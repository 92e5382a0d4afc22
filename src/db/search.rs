//! Full-text search over meetings, items and attachment names: one statement per backend, since the
//! two index differently (PostgreSQL: `tsvector` columns with GIN indexes, matched with its `danish`
//! configuration; SQLite: FTS5 tables of stems, see the `search` migrations).
//!
//! Access is decided in the statement, before anything is ranked or counted: only the meetings of
//! committees the caller reads; an item's full text, case number and case type only where the caller
//! reads the item in full (a closed item otherwise matches on its title alone), attachments likewise.
//! Closed content is indexed apart from the rest, and a caller who is a member of no committee is
//! searched for with a statement that does not read those indexes: neither its hits, their order, nor
//! the work done to find them depend on closed text. (A member's statement reads the closed indexes
//! and keeps the hits of the committees it is a member of.)
//!
//! Hits come newest meeting first, not by a relevance score: a score such as BM25 weighs each word by
//! how many documents hold it, hidden ones included, so it would let hidden content move visible
//! hits. The order also lets the database stop at the first page: a common word's first 50 hits are
//! found among the newest meetings, whereas ranking (say, title matches first) needs every match
//! before the first hit can be given.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamp};

use super::DbConnection;
use crate::domain::CommitteeKind;
use diesel::sqlite::SqliteConnection;

/// What is searched for, by whom, and where the page starts.
#[derive(Clone, Debug, Default)]
pub struct SearchFilter {
    /// The query as typed (PostgreSQL parses it with `plainto_tsquery`).
    pub text: String,
    /// FTS5 queries (SQLite): every stem anywhere, and every stem in the title.
    pub fts_all: String,
    pub fts_title: String,
    pub read_ids: Vec<i64>,
    pub read_kinds: Vec<CommitteeKind>,
    pub member_ids: Vec<i64>,
    pub member_kinds: Vec<CommitteeKind>,
    pub subject: String,
    pub committee_id: Option<i64>,
    pub starts_from: Option<NaiveDateTime>,
    pub starts_before: Option<NaiveDateTime>,
    /// With either, only items the caller reads in full and whose case matches.
    pub case_number: Option<String>,
    pub case_type: Option<String>,
    /// After this hit: (meeting start, kind order, id).
    pub after: Option<(NaiveDateTime, i32, i64)>,
    pub limit: i64,
    /// Whether the meetings are walked newest first: `None` chooses (on SQLite by how common the
    /// words are, see [`WALK_FROM`]; on PostgreSQL by whether the caller reads committees by kind);
    /// the tests set it, to see that both ways give the same hits.
    pub walk: Option<bool>,
}

/// One hit. Text the caller may not read is `None`.
#[derive(Clone, Debug, QueryableByName)]
pub struct Hit {
    /// 3 item, 2 meeting, 1 attachment: the order of the hits of one meeting.
    #[diesel(sql_type = Integer)]
    pub kind_order: i32,
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub meeting_id: i64,
    #[diesel(sql_type = BigInt)]
    pub committee_id: i64,
    #[diesel(sql_type = Timestamp)]
    pub starts_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub meeting_title: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub item_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Bool)]
    pub closed: bool,
    #[diesel(sql_type = Nullable<Integer>)]
    /// The item's number as the agenda shows it (its running number, or its position).
    pub position: Option<i32>,
    /// Whether the caller reads the item (or the attachment's item) in full.
    #[diesel(sql_type = Bool)]
    pub full: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub case_number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub case_type: Option<String>,
    /// Whether the words were found in the title (of an item; always for a meeting's title and
    /// place, and an attachment's title and file name).
    #[diesel(sql_type = Bool)]
    pub title_match: bool,
    /// The item's text sections and decision, where the caller reads them; the attachment's file name.
    #[diesel(sql_type = Nullable<Text>)]
    pub body: Option<String>,
}

/// The columns every part of the union yields, in [`Hit`]'s order; `{full}` is the part's
/// full-view condition and `{title}` whether the item's title matched.
const ITEM_COLUMNS: &str = "3 AS kind_order, i.id AS id, i.meeting_id AS meeting_id, m.committee_id AS committee_id,
    m.starts_at AS starts_at, m.title AS meeting_title, i.id AS item_id, i.title AS title, i.closed AS closed,
    COALESCE(i.number, i.position) AS position, {full} AS full,
    CASE WHEN {full} THEN i.case_number END AS case_number, CASE WHEN {full} THEN i.case_type END AS case_type,
    {title} AS title_match,
    CASE WHEN {full} THEN coalesce(i.summary, '') || '\n' || coalesce(i.recommendation, '') || '\n' ||
        coalesce(i.handled_by, '') || '\n' || coalesce(i.presentation, '') || '\n' ||
        coalesce(i.financial_consequences, '') || '\n' || coalesce(i.decision_text, '') END AS body";

const MEETING_COLUMNS: &str = "2 AS kind_order, m.id AS id, m.id AS meeting_id, m.committee_id AS committee_id,
    m.starts_at AS starts_at, m.title AS meeting_title, NULL AS item_id, m.title AS title, {false} AS closed,
    NULL AS position, {true} AS full, NULL AS case_number, NULL AS case_type, {true} AS title_match,
    coalesce(m.location, '') AS body";

const ATTACHMENT_COLUMNS: &str = "1 AS kind_order, a.id AS id, a.meeting_id AS meeting_id,
    m.committee_id AS committee_id, m.starts_at AS starts_at, m.title AS meeting_title, a.item_id AS item_id,
    a.title AS title, a.closed AS closed, COALESCE(i.number, i.position) AS position, {true} AS full, NULL AS case_number,
    NULL AS case_type, {true} AS title_match, a.filename AS body";

/// How one backend binds values and matches text.
struct Dialect {
    /// The placeholder of each bound value (see [`search`] for the order they are bound in).
    p: fn(&str) -> String,
    /// Lists are bound as arrays (PostgreSQL) or as JSON arrays (SQLite).
    arrays: bool,
    truth: (&'static str, &'static str),
    /// What everyone who reads the committee may find: an item's (open items' text, closed items'
    /// titles), an attachment's of an open item, a meeting's.
    open_item: &'static str,
    open_attachment: &'static str,
    meeting: &'static str,
    /// Closed content: a closed item's text, the name of an attachment of a closed item.
    closed_item: &'static str,
    /// The same two matches for one item at a time, for walking the meetings newest first (see
    /// [`WALK_FROM`]); where the backend's planner chooses its own way, the same as above.
    open_item_walk: &'static str,
    closed_item_walk: &'static str,
    closed_attachment: &'static str,
    /// The item's title matches.
    item_title: &'static str,
    /// The meetings of the committees a caller reads by id, newest first, where the statements walk
    /// them (see [`Dialect::statements_of`]).
    walk_meetings: Option<&'static str>,
}

/// The order values are bound in; a placeholder is its place in this list.
const PARAMETERS: [&str; 16] = [
    "query",
    "read_ids",
    "read_kinds",
    "member_ids",
    "member_kinds",
    "subject",
    "committee",
    "from",
    "before",
    "case_number",
    "case_type",
    "after_start",
    "after_kind",
    "after_id",
    // SQLite only: FTS5 matches titles with a query of its own.
    "title_query",
    // Last: every statement names it, and SQLite takes no more values than a statement names.
    "limit",
];

fn position(name: &str) -> usize {
    PARAMETERS.iter().position(|p| *p == name).expect("a listed parameter") + 1
}

const POSTGRES: Dialect = Dialect {
    p: |name| format!("${}", position(name)),
    arrays: true,
    truth: ("TRUE", "FALSE"),
    open_item: "i.open_search @@ plainto_tsquery('danish', $1)",
    open_attachment: "NOT a.closed AND a.title_search @@ plainto_tsquery('danish', $1)",
    meeting: "m.title_search @@ plainto_tsquery('danish', $1)",
    closed_item: "i.closed AND i.closed_search @@ plainto_tsquery('danish', $1)",
    // PostgreSQL's statistics tell it how common a word is; it picks its own way.
    open_item_walk: "i.open_search @@ plainto_tsquery('danish', $1)",
    closed_item_walk: "i.closed AND i.closed_search @@ plainto_tsquery('danish', $1)",
    closed_attachment: "a.closed AND a.title_search @@ plainto_tsquery('danish', $1)",
    item_title: "to_tsvector('danish', i.title) @@ plainto_tsquery('danish', $1)",
    // A caller who reads committees by id (not by kind) reads a few of them: their meetings come
    // from the (committee, start) index and are sorted, a few hundred at most, so that the walk stops
    // at the page's end. Left to itself PostgreSQL read every meeting of the deployment to find them
    // (95 ms at national scale against 1.4 ms), since it puts no sort beneath a join.
    walk_meetings: Some(
        "(SELECT * FROM meetings WHERE committee_id = ANY($2) \
         AND ($12::timestamp IS NULL OR starts_at <= $12) ORDER BY starts_at DESC)",
    ),
};

const SQLITE: Dialect = Dialect {
    p: |name| format!("?{}", position(name)),
    arrays: false,
    truth: ("1", "0"),
    open_item: "i.id IN (SELECT rowid FROM item_search WHERE item_search MATCH ?1)",
    open_attachment: "a.id IN (SELECT rowid FROM attachment_search WHERE attachment_search MATCH ?1)",
    meeting: "m.id IN (SELECT rowid FROM meeting_search WHERE meeting_search MATCH ?1)",
    closed_item: "i.id IN (SELECT rowid FROM closed_item_search WHERE closed_item_search MATCH ?1)",
    // `+` keeps the planner from starting at the matches: it reads them into a set once and tests
    // each item it walks past against it.
    open_item_walk: "+i.id IN (SELECT rowid FROM item_search WHERE item_search MATCH ?1)",
    closed_item_walk: "i.closed AND +i.id IN (SELECT rowid FROM closed_item_search WHERE closed_item_search MATCH ?1)",
    closed_attachment: "a.id IN (SELECT rowid FROM closed_attachment_search WHERE closed_attachment_search MATCH ?1)",
    item_title: "i.id IN (SELECT rowid FROM item_search WHERE item_search MATCH ?15)",
    walk_meetings: None,
};

impl Dialect {
    /// `column` in the list bound as `list`.
    fn in_list(&self, column: &str, list: &str) -> String {
        let placeholder = (self.p)(list);
        if self.arrays {
            format!("{column} = ANY({placeholder})")
        } else {
            format!("{column} IN (SELECT value FROM json_each({placeholder}))")
        }
    }

    /// The statements for a caller who is a member of some committee (`members`), who may find closed
    /// content there, or of none, whose statements do not read the closed indexes at all: one each
    /// for items, meetings and attachments, newest first from the cursor, each limited to a page.
    /// Apart, each can be answered by walking the meetings newest first and stopping at the page's
    /// end; as one union, PostgreSQL sorted every match.
    fn statements(&self, members: bool, walk: bool) -> [String; 3] {
        // PostgreSQL walks the meetings of committees read by id; attachments are few, found by index.
        let [items, meetings, _] = self.statements_of(members, walk, walk && self.walk_meetings.is_some());
        let [_, _, attachments] = self.statements_of(members, walk, false);
        [items, meetings, attachments]
    }

    /// [`Dialect::statements`], where `by_id` walks [`Dialect::walk_meetings`]: the caller reads
    /// committees by id only, so the walked meetings are the ones the caller reads and no kind is
    /// asked about. (With the test for reading repeated outside, PostgreSQL took the two for
    /// independent, expected one meeting, and sorted every match instead of stopping at the page.)
    fn statements_of(&self, members: bool, walk: bool, by_id: bool) -> [String; 3] {
        let (open_item, closed_item) =
            if walk { (self.open_item_walk, self.closed_item_walk) } else { (self.open_item, self.closed_item) };
        let (meetings_from, committees) = match self.walk_meetings {
            Some(walked) if by_id => (walked, ""),
            _ => ("meetings", " JOIN committees c ON c.id = m.committee_id"),
        };
        let p = self.p;
        let by_kind = |ids: &str, kinds: &str| {
            if by_id {
                self.in_list("m.committee_id", ids)
            } else {
                format!("({} OR {})", self.in_list("m.committee_id", ids), self.in_list("c.kind", kinds))
            }
        };
        let reads = if by_id { "TRUE".to_owned() } else { by_kind("read_ids", "read_kinds") };
        let (yes, no) = self.truth;
        // Whether the caller reads the item in full: an open item, or a closed one as a member who is
        // not excluded from it.
        let full = if members {
            let member = by_kind("member_ids", "member_kinds");
            format!(
                "(NOT i.closed OR ({member} AND NOT EXISTS (SELECT 1 FROM item_exclusions e \
                 WHERE e.item_id = i.id AND e.subject = {})))",
                p("subject")
            )
        } else {
            "(NOT i.closed)".to_owned()
        };
        let (item_match, attachment_match) = if members {
            (
                format!("({open_item} OR ({closed_item} AND {full}))"),
                format!("({} OR ({} AND {full}))", self.open_attachment, self.closed_attachment),
            )
        } else {
            (open_item.to_owned(), self.open_attachment.to_owned())
        };
        let meeting_filters = format!(
            "{reads} AND ({c} IS NULL OR m.committee_id = {c}) AND ({f} IS NULL OR m.starts_at >= {f}) \
             AND ({b} IS NULL OR m.starts_at < {b})",
            c = p("committee"),
            f = p("from"),
            b = p("before"),
        );
        let no_case_filter = format!("{} IS NULL AND {} IS NULL", p("case_number"), p("case_type"));
        let title = format!("({})", self.item_title);
        // From the cursor on (a hit's meeting start, kind, id), newest first, a page.
        let page = |kind: i32, id: &str| {
            format!(
                "AND ({at} IS NULL OR (m.starts_at, {kind}, {id}) < ({at}, {ak}, {ai})) \
                 ORDER BY m.starts_at DESC, {id} DESC LIMIT {limit}",
                at = p("after_start"),
                ak = p("after_kind"),
                ai = p("after_id"),
                limit = p("limit"),
            )
        };
        let items = format!(
            "SELECT {columns} FROM agenda_items i JOIN {meetings_from} m ON m.id = i.meeting_id{committees} \
             WHERE {meeting_filters} AND {item_match} \
             AND ({cn} IS NULL OR ({full} AND i.case_number = {cn})) \
             AND ({ct} IS NULL OR ({full} AND i.case_type = {ct})) {page}",
            columns = ITEM_COLUMNS.replace("{full}", &full).replace("{title}", &title),
            cn = p("case_number"),
            ct = p("case_type"),
            page = page(3, "i.id"),
        );
        let meetings = format!(
            "SELECT {columns} FROM {meetings_from} m{committees} \
             WHERE {meeting_filters} AND {matches} AND {no_case_filter} {page}",
            columns = MEETING_COLUMNS.replace("{false}", no).replace("{true}", yes),
            matches = self.meeting,
            page = page(2, "m.id"),
        );
        let attachments = format!(
            "SELECT {columns} FROM attachments a JOIN agenda_items i ON i.id = a.item_id \
             JOIN meetings m ON m.id = a.meeting_id JOIN committees c ON c.id = m.committee_id \
             WHERE {meeting_filters} AND a.removed_at IS NULL AND {attachment_match} AND {no_case_filter} {page}",
            columns = ATTACHMENT_COLUMNS.replace("{true}", yes),
            page = page(1, "a.id"),
        );
        [items, meetings, attachments]
    }
}

/// The statements, made once: per backend, for callers who are members somewhere and for those
/// who are not, looking the matches up or walking the meetings.
static STATEMENTS: std::sync::LazyLock<[[[[String; 3]; 2]; 2]; 2]> = std::sync::LazyLock::new(|| {
    let of = |d: &Dialect, members| [d.statements(members, false), d.statements(members, true)];
    [[of(&POSTGRES, false), of(&POSTGRES, true)], [of(&SQLITE, false), of(&SQLITE, true)]]
});

/// From how many matches SQLite walks the meetings newest first, testing each item against the set of
/// matches, rather than looking every match up and sorting them. Its planner cannot tell how common
/// a word is, so the service counts the matches in the open index first (FTS5 counts thousands in a
/// millisecond, and the open index holds nothing closed, so neither does the choice). Looking up
/// costs about 5 µs a match; walking costs reading the matches into a set and visiting the items
/// until a page is full (about 50 × items ÷ matches of them), all of the caller's items when nothing
/// matches. Measured on the municipal data set (83,160 items): no match 0.2 ms looked up and 13–24 ms
/// walked, 1,339 matches 6–10 ms and 4–5 ms, 21,500 matches 72–87 ms and 8–12 ms.
const WALK_FROM: i64 = 1_000;

/// The most committees read by id whose meetings PostgreSQL walks (see [`POSTGRES`]): all of a
/// municipality's (33 in the benchmark's data, 8,300 meetings in twenty years: 6–9 ms to sort and walk
/// for a page of items, measured). Beyond, its planner chooses.
const WALK_COMMITTEES_AT_MOST: usize = 64;

/// How many items the open index finds (SQLite).
fn open_matches(conn: &mut SqliteConnection, fts: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        matches: i64,
    }
    let count: Count = diesel::sql_query("SELECT count(*) AS matches FROM item_search WHERE item_search MATCH ?")
        .bind::<Text, _>(fts)
        .get_result(conn)?;
    Ok(count.matches)
}

/// A list bound as a JSON array, for SQLite's `json_each`.
fn json<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

fn kinds(kinds: &[CommitteeKind]) -> Vec<String> {
    kinds.iter().map(|k| k.as_ref().to_owned()).collect()
}

/// The hits the caller may see, newest first, from `filter.after`: each kind's page, merged.
pub fn search(conn: &mut DbConnection, filter: &SearchFilter) -> QueryResult<Vec<Hit>> {
    let members = usize::from(!filter.member_ids.is_empty() || !filter.member_kinds.is_empty());
    let walk = match conn {
        DbConnection::Sqlite(sqlite) => match filter.walk {
            Some(walk) => usize::from(walk),
            None => usize::from(open_matches(sqlite, &filter.fts_all)? >= WALK_FROM),
        },
        // Walk the meetings of the committees a caller reads by id (those statements leave kinds
        // out), when they are few enough to sort. One who reads a kind of committee reads it in every
        // municipality of the deployment, where PostgreSQL's own way is better.
        DbConnection::Postgresql(_) => usize::from(
            filter.read_kinds.is_empty() && filter.walk.unwrap_or(filter.read_ids.len() <= WALK_COMMITTEES_AT_MOST),
        ),
    };
    let mut hits = Vec::new();
    for part in 0..3 {
        hits.extend(search_part(conn, filter, members, walk, part)?);
    }
    hits.sort_by_key(|hit| std::cmp::Reverse((hit.starts_at, hit.kind_order, hit.id)));
    hits.truncate(usize::try_from(filter.limit).unwrap_or(0));
    Ok(hits)
}

fn search_part(
    conn: &mut DbConnection,
    filter: &SearchFilter,
    members: usize,
    walk: usize,
    part: usize,
) -> QueryResult<Vec<Hit>> {
    let after = filter.after;
    match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(&STATEMENTS[0][members][walk][part])
            .bind::<Text, _>(&filter.text)
            .bind::<Array<BigInt>, _>(&filter.read_ids)
            .bind::<Array<Text>, _>(kinds(&filter.read_kinds))
            .bind::<Array<BigInt>, _>(&filter.member_ids)
            .bind::<Array<Text>, _>(kinds(&filter.member_kinds))
            .bind::<Text, _>(&filter.subject)
            .bind::<Nullable<BigInt>, _>(filter.committee_id)
            .bind::<Nullable<Timestamp>, _>(filter.starts_from)
            .bind::<Nullable<Timestamp>, _>(filter.starts_before)
            .bind::<Nullable<Text>, _>(filter.case_number.as_deref())
            .bind::<Nullable<Text>, _>(filter.case_type.as_deref())
            .bind::<Nullable<Timestamp>, _>(after.map(|a| a.0))
            .bind::<Nullable<Integer>, _>(after.map(|a| a.1))
            .bind::<Nullable<BigInt>, _>(after.map(|a| a.2))
            .bind::<Text, _>(&filter.fts_title)
            .bind::<BigInt, _>(filter.limit)
            .load(pg),
        DbConnection::Sqlite(sqlite) => diesel::sql_query(&STATEMENTS[1][members][walk][part])
            .bind::<Text, _>(&filter.fts_all)
            .bind::<Text, _>(json(&filter.read_ids))
            .bind::<Text, _>(json(&kinds(&filter.read_kinds)))
            .bind::<Text, _>(json(&filter.member_ids))
            .bind::<Text, _>(json(&kinds(&filter.member_kinds)))
            .bind::<Text, _>(&filter.subject)
            .bind::<Nullable<BigInt>, _>(filter.committee_id)
            .bind::<Nullable<Timestamp>, _>(filter.starts_from)
            .bind::<Nullable<Timestamp>, _>(filter.starts_before)
            .bind::<Nullable<Text>, _>(filter.case_number.as_deref())
            .bind::<Nullable<Text>, _>(filter.case_type.as_deref())
            .bind::<Nullable<Timestamp>, _>(after.map(|a| a.0))
            .bind::<Nullable<Integer>, _>(after.map(|a| a.1))
            .bind::<Nullable<BigInt>, _>(after.map(|a| a.2))
            .bind::<Text, _>(&filter.fts_title)
            .bind::<BigInt, _>(filter.limit)
            .load(sqlite),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A caller who is a member of no committee is searched for with a statement that names no
    /// closed index and no closed text: the work done for it cannot depend on closed content.
    #[test]
    fn non_members_statements_do_not_read_closed_content() {
        for (dialect, closed_indexes) in [
            (&POSTGRES, &["closed_search", "OR (a.closed AND"][..]),
            (&SQLITE, &["closed_item_search", "closed_attachment_search"][..]),
        ] {
            for walk in [false, true] {
                let open = dialect.statements(false, walk).join(" ");
                for closed in closed_indexes {
                    assert!(!open.contains(closed), "{closed} in {open}");
                    assert!(dialect.statements(true, walk).join(" ").contains(closed), "{closed}");
                }
                assert!(open.contains("CASE WHEN (NOT i.closed) THEN coalesce(i.summary"), "{open}");
            }
        }
    }
}
