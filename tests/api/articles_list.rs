//! placeholder

crate::tests![];
