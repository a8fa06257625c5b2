//! Article rows and the synchronous queries on them.

pub(crate) mod discovery;
mod list;
pub(crate) mod lookup;
mod write;

pub(crate) use list::list;
pub(crate) use lookup::{ArticleRow, find_visible, is_visible};
pub(crate) use write::{NewChildren, create, delete, update};
