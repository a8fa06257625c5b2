//! Article rows and the synchronous queries on them.

mod list;
pub(crate) mod lookup;
mod write;

pub(crate) use list::list;
pub(crate) use lookup::{ArticleRow, find_visible, is_visible, only_visible};
pub(crate) use write::{NewChildren, create, delete, update};
