//! Sparse fieldsets (`fields=`): which members of an article, a quote or a related
//! link a read returns. The member tables here are the one statement of the rule:
//! the names `fields` accepts (and lists when it refuses one), the members that are
//! always present (the ones the response schemas mark required), and the child
//! collections a dot path reaches into (`quotes.text`). [`Shaped`] serializes a
//! value with only the selected members.
//!
//! A new member of a resource is one line in its table: `optional("search")`.

mod serialize;

use super::article_filter::Include;

pub(crate) use serialize::Shaped;

/// How a member takes part in `fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Always present, whatever `fields` names: what a client needs to address the
    /// item and to write it with `If-Match` (the response schema marks it required).
    Always,
    /// Present when `fields` names it, or when there is no `fields`.
    Optional,
    /// A child collection, embedded when `fields` names it whole (`quotes`) or names
    /// members of it (`quotes.text`), or when `include` asks for it.
    Children(&'static [Member]),
}

/// One member of a resource's JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    /// The member's name in the JSON object.
    pub name: &'static str,
    /// How `fields` treats it.
    pub kind: Kind,
}

const fn always(name: &'static str) -> Member {
    Member { name, kind: Kind::Always }
}

const fn optional(name: &'static str) -> Member {
    Member { name, kind: Kind::Optional }
}

const fn children(name: &'static str, members: &'static [Member]) -> Member {
    Member { name, kind: Kind::Children(members) }
}

/// The members of a quote, in the order a quote shows them.
pub(crate) const QUOTE_MEMBERS: &[Member] = &[
    always("id"),
    always("article_id"),
    optional("text"),
    optional("speaker_name"),
    optional("speaker_title"),
    optional("context"),
    optional("position"),
    always("version"),
    optional("created_at"),
    optional("updated_at"),
    optional("search"),
];

/// The members of a related link.
pub(crate) const LINK_MEMBERS: &[Member] = &[
    always("id"),
    always("article_id"),
    optional("target_article_id"),
    optional("url"),
    optional("title"),
    optional("relation"),
    optional("position"),
    optional("target"),
    always("version"),
    optional("created_at"),
    optional("updated_at"),
];

/// The members of an article, its embeddable children last.
pub(crate) const ARTICLE_MEMBERS: &[Member] = &[
    always("id"),
    optional("slug"),
    optional("title"),
    optional("summary"),
    optional("body"),
    optional("byline"),
    optional("status"),
    optional("published_at"),
    optional("section"),
    optional("tags"),
    optional("language"),
    optional("source_name"),
    optional("source_url"),
    optional("image"),
    always("version"),
    optional("created_at"),
    optional("updated_at"),
    optional("search"),
    children("quotes", QUOTE_MEMBERS),
    children("related_links", LINK_MEMBERS),
];

/// Whether a read of articles needs their text, the one heavy column: not when
/// `fields` leaves `body` out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum BodyRead {
    /// Read it (no `fields`, or `fields` names `body`).
    #[default]
    Read,
    /// Leave it unread: nothing shows it.
    Skip,
}

impl BodyRead {
    /// What `selection` needs.
    pub(crate) fn for_selection(selection: Option<&Selection>) -> Self {
        if selection.is_some_and(|s| !s.wants("body")) { Self::Skip } else { Self::Read }
    }
}

/// What `fields` may name on one kind of read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The resource, as a problem names it ("an article").
    pub noun: &'static str,
    /// Its members.
    pub members: &'static [Member],
    /// Whether this read embeds children (a backlink list does not).
    pub embeds: bool,
}

/// An article read that can embed its quotes and links.
pub(crate) const ARTICLE: Shape = Shape { noun: "an article", members: ARTICLE_MEMBERS, embeds: true };
/// An article in a list that never embeds children (backlinks).
pub(crate) const ARTICLE_ALONE: Shape = Shape { embeds: false, ..ARTICLE };
/// A quote.
pub(crate) const QUOTE: Shape = Shape { noun: "a quote", members: QUOTE_MEMBERS, embeds: false };
/// A related link.
pub(crate) const LINK: Shape = Shape { noun: "a related link", members: LINK_MEMBERS, embeds: false };

impl Shape {
    /// Every name `fields` accepts here, dot paths into children included, in
    /// table order.
    pub(crate) fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for member in self.members {
            match member.kind {
                Kind::Children(_) if !self.embeds => {}
                Kind::Children(inner) => {
                    names.push(member.name.to_owned());
                    names.extend(inner.iter().map(|m| format!("{}.{}", member.name, m.name)));
                }
                Kind::Always | Kind::Optional => names.push(member.name.to_owned()),
            }
        }
        names
    }

    fn member(&self, name: &str) -> Option<&'static Member> {
        self.members.iter().find(|m| m.name == name && (self.embeds || !matches!(m.kind, Kind::Children(_))))
    }
}

/// The members a read returns: the ones `fields` named and the ones always present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selection {
    picked: Vec<Pick>,
}

/// One selected member; a child collection either whole or narrowed to some of
/// its members.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pick {
    name: &'static str,
    narrowed: Option<Selection>,
}

impl Selection {
    /// The members always present in `members`.
    fn required(members: &'static [Member]) -> Self {
        Self {
            picked: members
                .iter()
                .filter(|m| m.kind == Kind::Always)
                .map(|m| Pick { name: m.name, narrowed: None })
                .collect(),
        }
    }

    fn pick(&mut self, name: &'static str) -> &mut Pick {
        let at = match self.picked.iter().position(|p| p.name == name) {
            Some(at) => at,
            None => {
                self.picked.push(Pick { name, narrowed: None });
                self.picked.len() - 1
            }
        };
        &mut self.picked[at]
    }

    /// Parses the `fields` values: each a comma-separated list of member names and
    /// dot paths, so that `fields=id,title` and `fields=id&fields=title` read the
    /// same. No values: `None`, every member. A name the shape does not have (an
    /// empty one included) is refused, with every valid name listed.
    pub(crate) fn parse(values: &[String], shape: &Shape) -> Result<Option<Self>, String> {
        if values.is_empty() {
            return Ok(None);
        }
        let mut selection = Self::required(shape.members);
        let mut unknown = Vec::new();
        for name in values.iter().flat_map(|raw| raw.split(',')).map(str::trim) {
            let quoted = format!("`{name}`");
            if !selection.add(name, shape) && !unknown.contains(&quoted) {
                unknown.push(quoted);
            }
        }
        if unknown.is_empty() {
            return Ok(Some(selection));
        }
        Err(format!(
            "names no member of {}: {}; the members are {}",
            shape.noun,
            unknown.join(", "),
            shape.names().join(", ")
        ))
    }

    /// Adds one name or dot path; `false` when the shape has no such member.
    fn add(&mut self, name: &str, shape: &Shape) -> bool {
        let (head, rest) = match name.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (name, None),
        };
        let Some(member) = shape.member(head) else { return false };
        match (member.kind, rest) {
            (_, None) => {
                // A child collection named whole shows every member of it.
                self.pick(member.name).narrowed = None;
                true
            }
            (Kind::Children(inner), Some(rest)) => {
                let Some(child) = inner.iter().find(|m| m.name == rest) else { return false };
                let already = self.picked.iter().any(|p| p.name == member.name);
                let pick = self.pick(member.name);
                if !already {
                    pick.narrowed = Some(Self::required(inner));
                }
                if let Some(narrowed) = pick.narrowed.as_mut() {
                    narrowed.pick(child.name);
                }
                true
            }
            (Kind::Always | Kind::Optional, Some(_)) => false,
        }
    }

    /// Whether the member `name` is returned.
    pub(crate) fn wants(&self, name: &str) -> bool {
        self.picked.iter().any(|p| p.name == name)
    }

    /// Whether `name` is returned and, if so, the narrower selection of its
    /// members (`None`: all of them).
    pub(crate) fn picks(&self, name: &str) -> Option<Option<&Selection>> {
        self.picked.iter().find(|p| p.name == name).map(|p| p.narrowed.as_ref())
    }

    /// Adds the child collection `name` whole unless `fields` already named it
    /// (what `include` asks for on top of `fields`).
    pub(crate) fn embed(&mut self, name: &'static str) {
        if !self.wants(name) {
            self.picked.push(Pick { name, narrowed: None });
        }
    }

    /// The children an article read embeds: those `include` asks for, which join
    /// the selection whole unless `fields` narrows them, and those `fields` names.
    pub(crate) fn embedding(&mut self, include: Include) -> Include {
        for (asked, name) in [(include.quotes, "quotes"), (include.related_links, "related_links")] {
            if asked {
                self.embed(name);
            }
        }
        Include { quotes: self.wants("quotes"), related_links: self.wants("related_links") }
    }
}

#[cfg(test)]
mod tests;
