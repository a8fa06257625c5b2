//! Optimistic concurrency: the version a client expects a resource to have, as
//! stated by `If-Match`.

/// What a conditional write demands of the stored version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expected {
    /// No condition: the write goes ahead.
    Anything,
    /// `If-Match: *`: the resource must exist.
    Exists,
    /// The stored version must be one of these.
    OneOf(Vec<i32>),
}

impl Expected {
    /// Whether a resource stored at `version` satisfies the condition.
    pub(crate) fn allows(&self, version: i32) -> bool {
        match self {
            Self::Anything | Self::Exists => true,
            Self::OneOf(versions) => versions.contains(&version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_allows_only_listed_versions() {
        let expected = Expected::OneOf(vec![2, 3]);
        assert!(expected.allows(3));
        assert!(!expected.allows(4));
        assert!(Expected::Exists.allows(4));
        assert!(Expected::Anything.allows(1));
    }
}
