//! The loader's native shredder (storage/native_shred.py): valid NDJSON lines straight into the
//! column buffers of the target table's Arrow arrays, following the table layout given as data
//! (built in Python from the IR-derived `Table`). One-sided like the checker: anything it is not
//! certain to turn into exactly what the Python shredder and encoder give (an unusual number, a
//! date-time it does not read, a member the layout does not expect) makes `shred` return None, and
//! the block goes the Python way. Nested values (lists, maps, JSON) come back as their JSON text,
//! which Python parses and encodes as it does the whole line.

use std::borrow::Cow;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use serde::Deserialize;

// --- the layout, as storage/native_shred.py writes it -------------------------------------------

#[derive(Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
enum Plan {
    Scalar { kind: String, column: usize, nanos: i64, text: i64 },
    Group { presence: i64, members: Vec<MemberPlan> },
    Tagged { tag: String, content: Option<String>, column: usize, variants: Vec<(String, i64, Plan)> },
    Choice { column: usize, variants: Vec<(String, Plan)> },
    Nested { column: usize },
}

#[derive(Deserialize)]
struct MemberPlan {
    wire: String,
    node: Plan,
    strict: bool,            // required, not nullable: read as `value[wire]`
    default: Option<String>, // JSON text of the serde default
}

#[derive(Deserialize)]
struct ColumnPlan {
    kind: String, // str, bool, f64, i8, i16, i32, i64, d128, ts, raw; list, map (of `item`)
    low: Option<i128>,
    high: Option<i128>,
    part: usize,
    item: Option<Box<ColumnPlan>>,
}

#[derive(Deserialize)]
struct TablePlan {
    columns: Vec<ColumnPlan>,
    parts: Vec<Vec<usize>>, // the columns each part's rows carry (a variant's without the key)
    root: Plan,
    key: String,
}

// --- a strict JSON reader keeping each value's text ----------------------------------------------

enum J<'a> {
    Null,
    Bool(bool),
    Num(&'a str),
    Str(Cow<'a, str>),
    Arr(Vec<V<'a>>),
    Obj(Vec<(Cow<'a, str>, V<'a>)>),
}

struct V<'a> {
    raw: &'a str,
    j: J<'a>,
}

impl<'a> V<'a> {
    fn get(&self, name: &str) -> Option<&V<'a>> {
        match &self.j {
            J::Obj(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        let b = self.text.as_bytes();
        while self.at < b.len() && matches!(b[self.at], b' ' | b'\t' | b'\r' | b'\n') {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.text[self.at..].starts_with(word).then(|| self.at += word.len())
    }

    fn value(&mut self) -> Option<V<'a>> {
        self.ws();
        let start = self.at;
        let j = match self.peek()? {
            b'n' => self.literal("null").map(|()| J::Null)?,
            b't' => self.literal("true").map(|()| J::Bool(true))?,
            b'f' => self.literal("false").map(|()| J::Bool(false))?,
            b'"' => J::Str(self.string()?),
            b'[' => {
                self.nest()?;
                self.at += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek()? == b']' {
                    self.at += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b']' => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                self.depth -= 1;
                J::Arr(items)
            }
            b'{' => {
                self.nest()?;
                self.at += 1;
                let mut members: Vec<(Cow<'a, str>, V<'a>)> = Vec::new();
                self.ws();
                if self.peek()? == b'}' {
                    self.at += 1;
                } else {
                    loop {
                        self.ws();
                        if self.peek()? != b'"' {
                            return None;
                        }
                        let key = self.string()?;
                        if members.iter().any(|(k, _)| *k == key) {
                            return None; // duplicates: parsers differ on which wins
                        }
                        self.ws();
                        if self.peek()? != b':' {
                            return None;
                        }
                        self.at += 1;
                        let item = self.value()?;
                        members.push((key, item));
                        self.ws();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b'}' => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                self.depth -= 1;
                J::Obj(members)
            }
            b'-' | b'0'..=b'9' => J::Num(self.number()?),
            _ => return None,
        };
        Some(V { raw: &self.text[start..self.at], j })
    }

    fn nest(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= 128).then_some(())
    }

    fn number(&mut self) -> Option<&'a str> {
        let b = self.text.as_bytes();
        let start = self.at;
        let digits = |at: &mut usize| {
            let from = *at;
            while *at < b.len() && b[*at].is_ascii_digit() {
                *at += 1;
            }
            *at > from
        };
        let mut at = self.at;
        if b[at] == b'-' {
            at += 1;
        }
        if b.get(at) == Some(&b'0') {
            at += 1;
        } else if !digits(&mut at) {
            return None;
        }
        if b.get(at) == Some(&b'.') {
            at += 1;
            if !digits(&mut at) {
                return None;
            }
        }
        if matches!(b.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(b.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !digits(&mut at) {
                return None;
            }
        }
        self.at = at;
        Some(&self.text[start..at])
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        let b = self.text.as_bytes();
        self.at += 1;
        let start = self.at;
        while self.at < b.len() && b[self.at] != b'"' && b[self.at] != b'\\' {
            if b[self.at] < 0x20 {
                return None;
            }
            self.at += 1;
        }
        if self.peek()? == b'"' {
            self.at += 1;
            return Some(Cow::Borrowed(&self.text[start..self.at - 1]));
        }
        let mut out = String::from(&self.text[start..self.at]);
        loop {
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = self.peek()?;
                    self.at += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&first) {
                                if !self.text[self.at..].starts_with("\\u") {
                                    return None; // a lone surrogate
                                }
                                self.at += 2;
                                let second = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&second) {
                                    return None;
                                }
                                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                            } else {
                                first
                            };
                            out.push(char::from_u32(code)?); // a lone low surrogate: None
                        }
                        _ => return None,
                    }
                }
                c if c < 0x20 => return None,
                _ => {
                    let from = self.at;
                    while self.at < b.len() && b[self.at] != b'"' && b[self.at] != b'\\' && b[self.at] >= 0x20 {
                        self.at += 1;
                    }
                    out.push_str(&self.text[from..self.at]);
                }
            }
        }
    }
}

fn read(text: &str) -> Option<V<'_>> {
    let mut reader = Reader { text, at: 0, depth: 0 };
    let value = reader.value()?;
    reader.ws();
    (reader.at == text.len()).then_some(value)
}

// --- values of one document, then the columns ------------------------------------------------

#[derive(Clone)]
enum Slot<'a> {
    Null,
    Str(Cow<'a, str>),
    Int(i128),
    F64(f64),
    Bool(bool),
    Raw(&'a str),
}

/// `split_instant` of storage/instants.py: (microseconds, nanoseconds or None, text or None) for the
/// forms it is sure of; None otherwise.
fn split_instant(text: &str) -> Option<(i64, Option<i64>, bool)> {
    let b = text.as_bytes();
    if !text.is_ascii() || b.len() < 20 {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().all(u8::is_ascii_digit).then(|| text[from..to].parse().ok())?
    };
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let leap_year = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [31, if leap_year { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if year < 1 || !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut end = 19;
    let mut nanos_total = 0i64;
    if b[19] == b'.' {
        end = 20;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == 20 {
            return None;
        }
        let mut padded = text[20..end.min(29)].to_string();
        while padded.len() < 9 {
            padded.push('0');
        }
        nanos_total = padded.parse().ok()?;
    }
    let offset = &text[end..];
    let mut seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60;
    if offset != "Z" && offset != "z" {
        let o = offset.as_bytes();
        if o.len() != 6 || !matches!(o[0], b'+' | b'-') || o[3] != b':' {
            return None;
        }
        let (oh, om) = (num(end + 1, end + 3)?, num(end + 4, end + 6)?);
        if oh > 23 || om > 59 {
            return None;
        }
        let sign = if o[0] == b'-' { -1 } else { 1 };
        seconds -= sign * (oh * 3600 + om * 60);
    }
    let leap = second == 60;
    let (second, nanos_total) = if leap { (59, 999_999_999) } else { (second, nanos_total) };
    let micros = (seconds + second) * 1_000_000 + nanos_total / 1000;
    let nanos = nanos_total % 1000;
    let plain = offset == "Z" && b[10] == b'T' && !leap;
    let canonical = if end > 19 { plain && (end as i64 - 20) == canonical_digits(nanos_total) } else { plain };
    Some((micros, (nanos != 0).then_some(nanos), !canonical))
}

fn canonical_digits(nanos_total: i64) -> i64 {
    if nanos_total == 0 {
        -1
    } else if nanos_total % 1_000_000 == 0 {
        3
    } else if nanos_total % 1000 == 0 {
        6
    } else {
        9
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn integer(text: &str) -> Option<i128> {
    if text.bytes().any(|c| matches!(c, b'.' | b'e' | b'E')) || text.len() > 30 {
        return None;
    }
    text.parse().ok()
}

struct Doc<'a> {
    slots: Vec<Slot<'a>>,
    own: Option<usize>,
}

impl TablePlan {
    fn node<'a>(&'a self, plan: &'a Plan, value: &V<'a>, part: usize, doc: &mut Doc<'a>) -> Option<()> {
        match plan {
            Plan::Scalar { kind, column, nanos, text } => self.scalar(kind, *column, *nanos, *text, value, doc),
            Plan::Group { presence, members } => {
                if !matches!(value.j, J::Obj(_)) {
                    return None;
                }
                if *presence >= 0 {
                    doc.slots[*presence as usize] = Slot::Bool(true);
                }
                for member in members {
                    let found = value.get(&member.wire);
                    if member.strict {
                        let inner = found.filter(|v| !matches!(v.j, J::Null))?;
                        self.node(&member.node, inner, part, doc)?;
                        continue;
                    }
                    match found.filter(|v| !matches!(v.j, J::Null)) {
                        Some(inner) => self.node(&member.node, inner, part, doc)?,
                        None => {
                            if let Some(text) = &member.default {
                                let default = read(text)?; // the serde default, written out as Python does
                                if !matches!(default.j, J::Null) {
                                    self.node(&member.node, &default, part, doc)?;
                                }
                            }
                        }
                    }
                }
                Some(())
            }
            Plan::Tagged { tag, content, column, variants } => {
                let J::Str(chosen) = &value.get(tag)?.j else { return None };
                let inner = match content {
                    Some(content) => value.get(content)?,
                    None => value,
                };
                let (_, own, variant) = variants.iter().find(|(name, _, _)| name == chosen.as_ref())?;
                doc.slots[*column] = Slot::Str(chosen.clone());
                let mut own = *own as usize;
                if matches!(variant, Plan::Tagged { .. }) {
                    own = part;
                } else if own != part {
                    if doc.own.is_some() {
                        return None;
                    }
                    doc.own = Some(own);
                }
                self.node(variant, inner, own, doc)
            }
            Plan::Choice { column, variants } => match &value.j {
                J::Str(unit) => {
                    doc.slots[*column] = Slot::Str(unit.clone());
                    Some(())
                }
                J::Obj(members) if members.len() == 1 => {
                    let (key, inner) = &members[0];
                    let (_, variant) = variants.iter().find(|(name, _)| name == key.as_ref())?;
                    doc.slots[*column] = Slot::Str(key.clone());
                    self.node(variant, inner, part, doc)
                }
                _ => None,
            },
            Plan::Nested { column } => {
                doc.slots[*column] = Slot::Raw(value.raw);
                Some(())
            }
        }
    }

    fn scalar<'a>(&self, kind: &str, column: usize, nanos: i64, text: i64, value: &V<'a>, doc: &mut Doc<'a>) -> Option<()> {
        let slot = match (kind, &value.j) {
            ("text", J::Str(s)) => Slot::Str(s.clone()),
            ("uuid", J::Str(s)) => {
                if !s.is_ascii() || text < 0 {
                    return None;
                }
                let lower = s.to_ascii_lowercase();
                doc.slots[text as usize] = if lower == *s { Slot::Null } else { Slot::Str(s.clone()) };
                Slot::Str(Cow::Owned(lower))
            }
            ("timestamp", J::Str(s)) => {
                if nanos < 0 || text < 0 {
                    return None;
                }
                let (micros, below, keep) = split_instant(s)?;
                doc.slots[nanos as usize] = below.map_or(Slot::Null, |n| Slot::Int(i128::from(n)));
                doc.slots[text as usize] = if keep { Slot::Str(s.clone()) } else { Slot::Null };
                Slot::Int(i128::from(micros))
            }
            ("bool", J::Bool(b)) => Slot::Bool(*b),
            ("int", J::Num(n)) => Slot::Int(integer(n)?),
            ("double", J::Num(n)) => Slot::F64(double(n)?),
            _ => return None,
        };
        doc.slots[column] = slot;
        Some(())
    }
}

enum Column {
    Str { valid: Vec<u8>, offsets: Vec<i32>, data: Vec<u8> },
    Fixed { valid: Vec<u8>, data: Vec<u8>, width: usize, low: i128, high: i128, float: bool },
    Bool { valid: Vec<u8>, data: Vec<u8> },
    Raw(Vec<Option<Vec<u8>>>),
    /// A list (or a map: `keys`) of plain values: Arrow's offsets over the items' (and keys') column.
    List { valid: Vec<u8>, offsets: Vec<i32>, keys: Option<Box<Column>>, items: Box<Column>, count: usize },
}

/// An item of a list or map as its column takes it, by the rules of `TablePlan::scalar`.
fn item_slot<'a>(value: &V<'a>, column: &Column) -> Option<Slot<'a>> {
    Some(match (&value.j, column) {
        (J::Null, _) => Slot::Null,
        (J::Str(s), Column::Str { .. }) => Slot::Str(s.clone()),
        (J::Bool(b), Column::Bool { .. }) => Slot::Bool(*b),
        (J::Num(n), Column::Fixed { float: false, .. }) => Slot::Int(integer(n)?),
        (J::Num(n), Column::Fixed { float: true, .. }) => Slot::F64(double(n)?),
        _ => return None,
    })
}

/// A JSON number as the Python path's float (pyarrow refuses integers a double does not hold exactly).
fn double(n: &str) -> Option<f64> {
    match integer(n) {
        Some(whole) if whole.abs() <= 1 << 53 => Some(whole as f64),
        Some(_) => None,
        None if n.bytes().any(|c| matches!(c, b'.' | b'e' | b'E')) => n.parse::<f64>().ok().filter(|x| x.is_finite()),
        None => None,
    }
}

fn set_bit(bits: &mut Vec<u8>, index: usize, on: bool) {
    if index.is_multiple_of(8) {
        bits.push(0);
    }
    if on {
        *bits.last_mut().unwrap() |= 1 << (index % 8);
    }
}

impl Column {
    fn new(plan: &ColumnPlan) -> Option<Column> {
        let fixed = |width: usize, low: i128, high: i128, float: bool| {
            let low = plan.low.map_or(low, |l| l.max(low));
            let high = plan.high.map_or(high, |h| h.min(high));
            Column::Fixed { valid: Vec::new(), data: Vec::new(), width, low, high, float }
        };
        Some(match plan.kind.as_str() {
            "str" => Column::Str { valid: Vec::new(), offsets: vec![0], data: Vec::new() },
            "bool" => Column::Bool { valid: Vec::new(), data: Vec::new() },
            "f64" => fixed(8, 0, 0, true),
            "i8" => fixed(1, i128::from(i8::MIN), i128::from(i8::MAX), false),
            "i16" => fixed(2, i128::from(i16::MIN), i128::from(i16::MAX), false),
            "i32" => fixed(4, i128::from(i32::MIN), i128::from(i32::MAX), false),
            "i64" | "ts" => fixed(8, i128::from(i64::MIN), i128::from(i64::MAX), false),
            "d128" => fixed(16, plan.low?, plan.high?, false),
            "raw" => Column::Raw(Vec::new()),
            "list" | "map" => Column::List {
                valid: Vec::new(),
                offsets: vec![0],
                keys: (plan.kind == "map").then(|| Box::new(Column::Str { valid: Vec::new(), offsets: vec![0], data: Vec::new() })),
                items: Box::new(Column::new(plan.item.as_deref()?)?),
                count: 0,
            },
            _ => return None,
        })
    }

    fn push(&mut self, row: usize, slot: &Slot<'_>) -> Option<()> {
        match (self, slot) {
            (Column::Str { valid, offsets, data }, slot) => {
                match slot {
                    Slot::Str(s) => data.extend_from_slice(s.as_bytes()),
                    Slot::Null => {}
                    _ => return None,
                }
                set_bit(valid, row, !matches!(slot, Slot::Null));
                offsets.push(i32::try_from(data.len()).ok()?);
            }
            (Column::Fixed { valid, data, width, low, high, float }, slot) => {
                match (slot, *float) {
                    (Slot::Null, _) => data.extend(std::iter::repeat_n(0, *width)),
                    (Slot::F64(x), true) => data.extend_from_slice(&x.to_le_bytes()),
                    (Slot::Int(n), false) if *low <= *n && *n <= *high => {
                        data.extend_from_slice(&n.to_le_bytes()[..*width]);
                    }
                    _ => return None,
                }
                set_bit(valid, row, !matches!(slot, Slot::Null));
            }
            (Column::Bool { valid, data }, slot) => {
                let on = match slot {
                    Slot::Bool(b) => *b,
                    Slot::Null => false,
                    _ => return None,
                };
                set_bit(data, row, on);
                set_bit(valid, row, !matches!(slot, Slot::Null));
            }
            (Column::Raw(items), Slot::Raw(text)) => items.push(Some(text.as_bytes().to_vec())),
            (Column::Raw(items), Slot::Null) => items.push(None),
            (Column::List { valid, offsets, keys, items, count }, slot) => {
                match slot {
                    Slot::Null => {}
                    Slot::Raw(text) => {
                        let value = read(text)?;
                        match (&value.j, keys) {
                            (J::Arr(members), None) => {
                                for member in members {
                                    let item = item_slot(member, items)?;
                                    items.push(*count, &item)?;
                                    *count += 1;
                                }
                            }
                            (J::Obj(members), Some(keys)) => {
                                for (key, member) in members {
                                    keys.push(*count, &Slot::Str(key.clone()))?;
                                    let item = item_slot(member, items)?;
                                    items.push(*count, &item)?;
                                    *count += 1;
                                }
                            }
                            _ => return None,
                        }
                    }
                    _ => return None,
                }
                set_bit(valid, row, !matches!(slot, Slot::Null));
                offsets.push(i32::try_from(*count).ok()?);
            }
            _ => return None,
        }
        Some(())
    }

    fn into_py(self, py: Python<'_>, rows: usize) -> PyResult<PyObject> {
        if let Column::List { valid, offsets, keys, items, count } = self {
            let offsets: Vec<u8> = offsets.iter().flat_map(|o| o.to_le_bytes()).collect();
            let keys = match keys {
                Some(keys) => keys.into_py(py, count)?,
                None => py.None(),
            };
            let items = items.into_py(py, count)?;
            let head = (rows, PyBytes::new(py, &valid), PyBytes::new(py, &offsets));
            return Ok((head, keys, items).into_pyobject(py)?.into_any().unbind());
        }
        let bytes = |data: &[u8]| PyBytes::new(py, data).into_any().unbind();
        Ok(match self {
            Column::Str { valid, offsets, data } => {
                let offsets: Vec<u8> = offsets.iter().flat_map(|o| o.to_le_bytes()).collect();
                (rows, bytes(&valid), bytes(&data), bytes(&offsets)).into_pyobject(py)?.into_any().unbind()
            }
            Column::Fixed { valid, data, .. } | Column::Bool { valid, data } => {
                (rows, bytes(&valid), bytes(&data), py.None()).into_pyobject(py)?.into_any().unbind()
            }
            Column::List { .. } => unreachable!("handled above"),
            Column::Raw(items) => {
                let list = PyList::empty(py);
                for item in items {
                    match item {
                        Some(text) => list.append(PyBytes::new(py, &text))?,
                        None => list.append(py.None())?,
                    }
                }
                list.into_any().unbind()
            }
        })
    }
}

/// The shredder of one table: `shred(lines, keys)` -> ([each column's buffers], parts, [(declared
/// schema_version or None, first line index)]) or None when the block must go the Python way.
#[pyclass(frozen)]
pub struct Shredder {
    plan: TablePlan,
}

type Shredded = (Vec<Column>, Vec<u8>, Vec<(Option<String>, usize)>);

impl Shredder {
    fn run(&self, lines: &[&[u8]], keys: &[Option<String>]) -> Option<Shredded> {
        let plan = &self.plan;
        let mut columns = plan.columns.iter().map(Column::new).collect::<Option<Vec<_>>>()?;
        let mut rows = vec![0usize; plan.parts.len()];
        let mut parts = Vec::with_capacity(lines.len());
        let mut versions: Vec<(Option<String>, usize)> = Vec::new();
        let mut doc = Doc { slots: vec![Slot::Null; plan.columns.len()], own: None };
        for (index, line) in lines.iter().enumerate() {
            let text = std::str::from_utf8(line).ok()?;
            let mut document = read(text)?;
            let J::Obj(members) = &mut document.j else { return None };
            let declared = match members.iter().find(|(k, _)| k == "schema_version") {
                Some((_, V { j: J::Str(s), .. })) => Some(s.to_string()),
                _ => None,
            };
            if !versions.iter().any(|(v, _)| *v == declared) {
                versions.push((declared, index));
            }
            match members.iter().find(|(k, _)| k == plan.key.as_str()) {
                Some((_, V { j: J::Null, .. })) => return None,
                Some(_) => {}
                None => {
                    let given = keys.get(index)?.clone()?;
                    members.push((Cow::Borrowed(plan.key.as_str()), V { raw: "", j: J::Str(Cow::Owned(given)) }));
                }
            }
            doc.slots.iter_mut().for_each(|s| *s = Slot::Null);
            doc.own = None;
            plan.node(&plan.root, &document, 0, &mut doc)?;
            let own = doc.own?;
            for number in [0, own] {
                for &position in &plan.parts[number] {
                    columns[position].push(rows[number], &doc.slots[position])?;
                }
                rows[number] += 1;
            }
            parts.push(u8::try_from(own).ok()?);
        }
        Some((columns, parts, versions))
    }
}

#[pymethods]
impl Shredder {
    #[new]
    fn new(plan: &str) -> PyResult<Self> {
        let plan: TablePlan =
            serde_json::from_str(plan).map_err(|e| PyValueError::new_err(format!("shredder plan: {e}")))?;
        for (number, part) in plan.parts.iter().enumerate() {
            if part.iter().any(|&p| p >= plan.columns.len() || plan.columns[p].part != number) {
                return Err(PyValueError::new_err("shredder plan: a part names a column not its own"));
            }
        }
        Ok(Shredder { plan })
    }

    #[allow(clippy::type_complexity)]
    fn shred(
        &self,
        py: Python<'_>,
        lines: Vec<Bound<'_, PyBytes>>,
        keys: Vec<Option<String>>,
    ) -> PyResult<Option<(Vec<PyObject>, PyObject, Vec<(Option<String>, usize)>)>> {
        let views: Vec<&[u8]> = lines.iter().map(|line| line.as_bytes()).collect();
        let Some((columns, parts, versions)) = py.allow_threads(|| self.run(&views, &keys)) else { return Ok(None) };
        let mut rows = vec![0usize; self.plan.parts.len()];
        for &own in &parts {
            rows[0] += 1;
            rows[own as usize] += 1;
        }
        let mut out = Vec::with_capacity(columns.len());
        for (column, plan) in columns.into_iter().zip(&self.plan.columns) {
            out.push(column.into_py(py, rows[plan.part])?);
        }
        Ok(Some((out, PyBytes::new(py, &parts).into_any().unbind(), versions)))
    }
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Shredder>()
}
