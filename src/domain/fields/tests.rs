use utoipa::PartialSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use super::*;
use crate::domain::resource::{Article, Quote, RelatedLink};

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

fn parse(values: &[&str], shape: &Shape) -> Result<Option<Selection>, String> {
    Selection::parse(&strings(values), shape)
}

/// The schema's properties and required members, in the schema's order.
fn schema_of(schema: RefOr<Schema>) -> (Vec<String>, Vec<String>) {
    let RefOr::T(Schema::Object(object)) = schema else { panic!("not an object schema") };
    (object.properties.keys().cloned().collect(), object.required)
}

fn table(members: &[Member]) -> (Vec<String>, Vec<String>) {
    let mut names: Vec<String> = members.iter().map(|m| m.name.to_owned()).collect();
    names.sort();
    let required = members.iter().filter(|m| m.kind == Kind::Always).map(|m| m.name.to_owned()).collect();
    (names, required)
}

#[test]
fn the_tables_are_the_response_schemas() {
    // Every member a response shows is in its table, and the schema requires
    // exactly the members that are always present.
    for (schema, members) in
        [(Article::schema(), ARTICLE_MEMBERS), (Quote::schema(), QUOTE_MEMBERS), (RelatedLink::schema(), LINK_MEMBERS)]
    {
        let (mut properties, required) = schema_of(schema);
        properties.sort();
        assert_eq!((properties, required), table(members));
    }
}

#[test]
fn no_fields_means_every_member() {
    assert_eq!(parse(&[], &ARTICLE), Ok(None));
}

#[test]
fn both_forms_read_the_same() {
    let listed = parse(&["id,title, slug"], &ARTICLE).unwrap().unwrap();
    let repeated = parse(&["id", "title", "slug"], &ARTICLE).unwrap().unwrap();
    for name in ["id", "title", "slug", "version"] {
        assert!(listed.wants(name) && repeated.wants(name), "{name}");
    }
    assert!(!listed.wants("body") && !listed.wants("quotes"));
}

#[test]
fn required_members_are_always_picked() {
    let quote = parse(&["text"], &QUOTE).unwrap().unwrap();
    for name in ["id", "article_id", "version", "text"] {
        assert!(quote.wants(name), "{name}");
    }
    assert!(!quote.wants("speaker_name"));
}

#[test]
fn dot_paths_narrow_a_child_and_a_bare_name_takes_it_whole() {
    let narrowed = parse(&["quotes.text,quotes.speaker_name"], &ARTICLE).unwrap().unwrap();
    let Some(Some(quotes)) = narrowed.picks("quotes") else { panic!("quotes not narrowed") };
    assert!(quotes.wants("text") && quotes.wants("speaker_name") && quotes.wants("id"));
    assert!(!quotes.wants("context"));
    assert_eq!(narrowed.picks("related_links"), None);
    for order in [["quotes", "quotes.text"], ["quotes.text", "quotes"]] {
        assert_eq!(parse(&order, &ARTICLE).unwrap().unwrap().picks("quotes"), Some(None), "{order:?}");
    }
}

#[test]
fn include_embeds_a_child_fields_left_out() {
    let mut selection = parse(&["id,quotes.text"], &ARTICLE).unwrap().unwrap();
    selection.embed("quotes");
    selection.embed("related_links");
    assert!(matches!(selection.picks("quotes"), Some(Some(_))), "the dot path still narrows");
    assert_eq!(selection.picks("related_links"), Some(None));
}

#[test]
fn unknown_names_are_refused_with_the_valid_ones() {
    let detail = parse(&["id,headline", "quotes.nope,headline", "title.x", ""], &ARTICLE).unwrap_err();
    assert!(
        detail.starts_with(
            "names no member of an article: `headline`, `quotes.nope`, `title.x`, ``; the members are id, slug,"
        ),
        "{detail}"
    );
    assert!(detail.contains("quotes.speaker_name") && detail.ends_with("related_links.updated_at"), "{detail}");
    // A list that never embeds children does not offer them.
    let detail = parse(&["quotes.text"], &ARTICLE_ALONE).unwrap_err();
    assert!(detail.ends_with("the members are id, slug, title, summary, body, byline, status, published_at, section, tags, language, source_name, source_url, image, version, created_at, updated_at, search"), "{detail}");
    assert!(parse(&["quotes"], &ARTICLE_ALONE).is_err());
    assert!(parse(&["quotes.text.x"], &ARTICLE).is_err());
}

#[test]
fn shaped_values_keep_the_struct_order() {
    #[derive(serde::Serialize)]
    struct Item {
        id: u32,
        text: &'static str,
        version: u32,
        children: Option<Vec<Child>>,
    }
    #[derive(serde::Serialize)]
    struct Child {
        id: u32,
        name: &'static str,
        note: Option<&'static str>,
    }
    const CHILD: &[Member] = &[always("id"), optional("name"), optional("note")];
    const ITEM: &[Member] = &[always("id"), optional("text"), always("version"), children("children", CHILD)];
    let shape = Shape { noun: "an item", members: ITEM, embeds: true };
    let item = Item { id: 1, text: "t", version: 2, children: Some(vec![Child { id: 3, name: "n", note: None }]) };
    let json = |values: &[&str]| {
        let selection = parse(values, &shape).unwrap().unwrap();
        serde_json::to_string(&Shaped::item(&item, &selection)).unwrap()
    };
    assert_eq!(json(&["text"]), r#"{"id":1,"text":"t","version":2}"#);
    assert_eq!(json(&["children.note"]), r#"{"id":1,"version":2,"children":[{"id":3,"note":null}]}"#);
    assert_eq!(json(&["children"]), r#"{"id":1,"version":2,"children":[{"id":3,"name":"n","note":null}]}"#);
    #[derive(serde::Serialize)]
    struct Page<'a> {
        items: &'a [Item],
        next_cursor: Option<&'a str>,
    }
    let selection = parse(&["id"], &shape).unwrap().unwrap();
    let page = Page { items: std::slice::from_ref(&item), next_cursor: Some("c") };
    assert_eq!(
        serde_json::to_string(&Shaped::page(&page, &selection)).unwrap(),
        r#"{"items":[{"id":1,"version":2}],"next_cursor":"c"}"#
    );
}
