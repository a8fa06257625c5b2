//! The people and bodies a page names, so that "Ri", "he" and "the spokesman" are
//! read as the speaker the page introduced, under the fullest name and the title it
//! gave there.

use super::names::{Pronoun, Subject, is_org_name};

/// What kind of speaker an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Person,
    Body,
    Role,
}

/// Someone the page names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entity {
    pub name: String,
    pub title: Option<String>,
    pub kind: Kind,
}

/// Everyone named so far, and who spoke last.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub entities: Vec<Entity>,
    speakers: Vec<usize>,
}

impl Registry {
    /// Records a mention of a name (with the title written beside it) and returns
    /// its entity: an earlier one whose name ends with this one ("Ri" after "Ri Son
    /// Gwon"), or that this one ends with (then the fuller name is kept); else a new one.
    pub(crate) fn mention(&mut self, name: &str, title: Option<String>, kind: Kind) -> usize {
        let id = match self.find(name) {
            Some(id) => id,
            None => {
                self.entities.push(Entity { name: name.to_owned(), title: None, kind });
                self.entities.len() - 1
            }
        };
        let e = &mut self.entities[id];
        if name.split_whitespace().count() > e.name.split_whitespace().count() {
            name.clone_into(&mut e.name);
        }
        if e.title.is_none() {
            e.title = title;
        }
        id
    }

    /// The entity a name refers to, the latest when several match.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        let tokens: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
        if tokens.is_empty() {
            return None;
        }
        self.entities.iter().enumerate().rev().find_map(|(id, e)| {
            let theirs: Vec<String> = e.name.split_whitespace().map(str::to_lowercase).collect();
            let same = theirs == tokens;
            // A family name may come first (Ri Son Gwon, Lin Jian) or last.
            let part = |a: &[String], b: &[String]| a.ends_with(b) || a.starts_with(b);
            let surname = e.kind == Kind::Person && (part(&theirs, &tokens) || part(&tokens, &theirs));
            (same || surname).then_some(id)
        })
    }

    /// The entity an attribution's subject refers to, recorded as a mention.
    pub(crate) fn resolve(&mut self, subject: &Subject, title: Option<String>) -> Option<usize> {
        match subject {
            Subject::Pronoun(p) => self.last_speaker(*p),
            Subject::Definite(role) => Some(self.definite(role)),
            Subject::Named { name, title: own } => {
                let kind = if is_org_name(name) { Kind::Body } else { Kind::Person };
                Some(self.mention(name, own.clone().or(title), kind))
            }
            Subject::Role(role) => Some(self.mention(role, title, Kind::Role)),
        }
    }

    /// "the spokesman": the latest speaker, then the latest entity, whose name holds
    /// the role's head noun; else a new entity named by the role.
    fn definite(&mut self, role: &str) -> usize {
        let head = role.split_whitespace().next().unwrap_or(role).to_lowercase();
        let holds = |e: &Entity| e.name.to_lowercase().split_whitespace().any(|w| w.trim_end_matches("’s") == head);
        let spoke = self.speakers.iter().rev().copied().find(|&id| holds(&self.entities[id]));
        let named = || self.entities.iter().rposition(holds);
        match spoke.or_else(named) {
            Some(id) => id,
            None => self.mention(role, None, Kind::Role),
        }
    }

    /// Notes that an entity spoke (a quotation or reported speech).
    pub(crate) fn spoke(&mut self, id: usize) {
        self.speakers.retain(|&s| s != id);
        self.speakers.push(id);
    }

    /// The speaker a pronoun stands for: the latest who spoke and fits it ("it" a
    /// body, "he" and "she" a person or a role).
    pub(crate) fn last_speaker(&self, p: Pronoun) -> Option<usize> {
        let fits = |id: &usize| {
            let kind = self.entities[*id].kind;
            match p {
                Pronoun::He | Pronoun::She => kind != Kind::Body,
                Pronoun::It => kind != Kind::Person,
                Pronoun::They => true,
            }
        };
        self.speakers.iter().rev().find(|id| fits(id)).or_else(|| self.speakers.last()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_surname_finds_the_full_name_and_its_title() {
        let mut r = Registry::default();
        let ri = r.mention("Ri Son Gwon", Some("Foreign Minister".into()), Kind::Person);
        assert_eq!(r.mention("Ri", None, Kind::Person), ri);
        assert_eq!(r.entities[ri].title.as_deref(), Some("Foreign Minister"));
    }

    #[test]
    fn a_fuller_name_later_replaces_a_shorter_one() {
        let mut r = Registry::default();
        let id = r.mention("Pardo", None, Kind::Person);
        r.mention("Ramon Pacheco Pardo", Some("a Korea expert".into()), Kind::Person);
        assert_eq!(r.entities[id].name, "Ramon Pacheco Pardo");
    }

    #[test]
    fn pronouns_take_the_latest_speaker_that_fits() {
        let mut r = Registry::default();
        let p = r.mention("Daniel Russel", None, Kind::Person);
        let b = r.mention("OPEC+", None, Kind::Body);
        r.spoke(p);
        r.spoke(b);
        assert_eq!(r.last_speaker(Pronoun::He), Some(p));
        assert_eq!(r.last_speaker(Pronoun::It), Some(b));
    }

    #[test]
    fn a_definite_role_finds_the_entity_named_by_it() {
        let mut r = Registry::default();
        let s = r.mention("WHO spokesman", None, Kind::Role);
        assert_eq!(r.resolve(&Subject::Definite("spokesman".into()), None), Some(s));
    }

    #[test]
    fn bodies_are_not_matched_by_their_last_word() {
        let mut r = Registry::default();
        r.mention("National Confederation of Agriculture", None, Kind::Body);
        assert_eq!(r.find("Agriculture"), None);
    }
}
