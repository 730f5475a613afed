//! Column types, resolved once from the catalog into a closed set the generators and encoders match on.
//!
//! A type we do not know by name is kept as [`TypeKind::Other`] with its catalog name: generators
//! then produce a text literal and the table is loaded with text COPY (see `load`).

/// A column's type: the catalog's OID and display name, and what `seed` knows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct PgType {
    pub oid: u32,
    /// `format_type(atttypid, atttypmod)`, e.g. `character varying(20)` or `creator.status`.
    pub name: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    /// `numeric(precision, scale)`; both `None` for unconstrained `numeric`.
    Numeric {
        precision: Option<u16>,
        scale: Option<u16>,
    },
    Money,
    Text,
    /// `varchar(n)`: `None` when unbounded.
    Varchar(Option<u32>),
    /// `char(n)`: blank-padded; `None` is `bpchar` without length.
    Char(Option<u32>),
    Name,
    /// `"char"`: a single byte.
    SingleChar,
    Bytea,
    Uuid,
    Date,
    Time,
    TimeTz,
    Timestamp,
    TimestampTz,
    Interval,
    Json,
    Jsonb,
    Xml,
    Inet,
    Cidr,
    MacAddr,
    MacAddr8,
    /// `bit(n)`
    Bit(Option<u32>),
    /// `bit varying(n)`
    VarBit(Option<u32>),
    TsVector,
    TsQuery,
    Oid,
    Point,
    Line,
    Lseg,
    Box,
    Path,
    Polygon,
    Circle,
    Enum {
        labels: Vec<String>,
    },
    Array {
        element: Box<PgType>,
        dimensions: u8,
    },
    /// A domain: generate values of the base type that satisfy the domain's checks.
    Domain {
        base: Box<PgType>,
        checks: Vec<String>,
        not_null: bool,
    },
    Range {
        subtype: Box<PgType>,
    },
    MultiRange {
        subtype: Box<PgType>,
    },
    Composite {
        fields: Vec<(String, PgType)>,
    },
    /// Extension and other types (citext, ltree, hstore, isn, geometry...): known by name only.
    Other {
        name: String,
    },
}

impl PgType {
    pub fn new(oid: u32, name: impl Into<String>, kind: TypeKind) -> Self {
        PgType { oid, name: name.into(), kind }
    }

    /// The type after looking through domains.
    pub fn base(&self) -> &PgType {
        match &self.kind {
            TypeKind::Domain { base, .. } => base.base(),
            _ => self,
        }
    }

    /// The base type's kind (domains looked through).
    pub fn base_kind(&self) -> &TypeKind {
        &self.base().kind
    }

    /// Whether `seed` encodes this type in COPY's binary format. Otherwise the table is loaded with
    /// text COPY, which accepts any type's literal.
    pub fn binary_supported(&self) -> bool {
        use TypeKind::*;
        match &self.kind {
            Bool
            | Int2
            | Int4
            | Int8
            | Float4
            | Float8
            | Numeric { .. }
            | Money
            | Text
            | Varchar(_)
            | Char(_)
            | Name
            | Bytea
            | Uuid
            | Date
            | Time
            | Timestamp
            | TimestampTz
            | Interval
            | Json
            | Jsonb
            | Oid
            | Enum { .. } => true,
            Array { element, .. } => element.binary_supported(),
            Domain { base, .. } => base.binary_supported(),
            _ => false,
        }
    }

    /// Whether values of this type are text-like (strings, enum labels, citext...).
    pub fn is_textual(&self) -> bool {
        use TypeKind::*;
        match self.base_kind() {
            Text | Varchar(_) | Char(_) | Name => true,
            Other { name } => matches!(name.as_str(), "citext"),
            _ => false,
        }
    }

    /// The maximum length in characters, for `varchar(n)` and `char(n)`.
    pub fn max_length(&self) -> Option<u32> {
        match self.base_kind() {
            TypeKind::Varchar(n) | TypeKind::Char(n) => *n,
            _ => None,
        }
    }
}
