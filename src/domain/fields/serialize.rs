//! Serializing with a [`Selection`]: a serde adapter that writes only the selected
//! members of each item's JSON object, as the value is written (no intermediate
//! `serde_json::Value`, and member order stays the struct's). Sequences and
//! options pass the selection on to their elements, so a page's `items`, an
//! `Option<Vec<Quote>>` of embedded children and a single item all shape alike.

use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

use super::Selection;

/// Where in the value the selection applies.
#[derive(Debug, Clone, Copy)]
enum Level<'a> {
    /// Each struct met is an item: only its selected members are written.
    Item(&'a Selection),
    /// The struct met is a list page: its `items` are shaped, its other members
    /// (`next_cursor`, `total`) are written as they are.
    Page(&'a Selection),
}

/// `value` serialized with only the members `selection` picks.
#[derive(Debug)]
pub(crate) struct Shaped<'a, T: ?Sized> {
    value: &'a T,
    level: Level<'a>,
}

impl<'a, T: ?Sized> Shaped<'a, T> {
    /// An item (or a sequence of items) shaped by `selection`.
    pub(crate) fn item(value: &'a T, selection: &'a Selection) -> Self {
        Self { value, level: Level::Item(selection) }
    }

    /// A list page (`{"items": [...], ...}`) whose items are shaped by `selection`.
    pub(crate) fn page(value: &'a T, selection: &'a Selection) -> Self {
        Self { value, level: Level::Page(selection) }
    }
}

impl<T: ?Sized + Serialize> Serialize for Shaped<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Pick { inner: serializer, level: self.level })
    }
}

/// The adapter: forwards everything to `inner`, filtering the members of structs.
struct Pick<'a, S> {
    inner: S,
    level: Level<'a>,
}

/// A sequence whose elements are shaped at `level`.
struct PickSeq<'a, S> {
    inner: S,
    level: Level<'a>,
}

/// A struct whose members are filtered at `level`.
struct PickStruct<'a, S> {
    inner: S,
    level: Level<'a>,
}

impl<S: SerializeSeq> SerializeSeq for PickSeq<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), S::Error> {
        self.inner.serialize_element(&Shaped { value, level: self.level })
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

impl<S: SerializeStruct> SerializeStruct for PickStruct<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), S::Error> {
        match self.level {
            Level::Page(selection) if key == "items" => {
                self.inner.serialize_field(key, &Shaped { value, level: Level::Item(selection) })
            }
            Level::Page(_) => self.inner.serialize_field(key, value),
            Level::Item(selection) => match selection.picks(key) {
                None => self.inner.skip_field(key),
                Some(None) => self.inner.serialize_field(key, value),
                Some(Some(narrowed)) => {
                    self.inner.serialize_field(key, &Shaped { value, level: Level::Item(narrowed) })
                }
            },
        }
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

/// Forwards a method that carries no members to shape.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $method(self, $($arg: $ty),*) -> Result<S::Ok, S::Error> {
            self.inner.$method($($arg),*)
        })*
    };
}

impl<'a, S: Serializer> Serializer for Pick<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = PickSeq<'a, S::SerializeSeq>;
    type SerializeTuple = S::SerializeTuple;
    type SerializeTupleStruct = S::SerializeTupleStruct;
    type SerializeTupleVariant = S::SerializeTupleVariant;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = PickStruct<'a, S::SerializeStruct>;
    type SerializeStructVariant = S::SerializeStructVariant;

    forward! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_i128(v: i128);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_u128(v: u128);
        serialize_f32(v: f32);
        serialize_f64(v: f64);
        serialize_char(v: char);
        serialize_str(v: &str);
        serialize_bytes(v: &[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(&Shaped { value, level: self.level })
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_struct(name, &Shaped { value, level: self.level })
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_variant(name, index, variant, value)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(PickSeq { inner: self.inner.serialize_seq(len)?, level: self.level })
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.inner.serialize_tuple(len)
    }

    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.inner.serialize_tuple_struct(name, len)
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.inner.serialize_tuple_variant(name, index, variant, len)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.inner.serialize_map(len)
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        Ok(PickStruct { inner: self.inner.serialize_struct(name, len)?, level: self.level })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.inner.serialize_struct_variant(name, index, variant, len)
    }

    fn collect_str<T: ?Sized + std::fmt::Display>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.collect_str(value)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}
