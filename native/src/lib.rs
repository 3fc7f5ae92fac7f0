//! `llm_analytics_hub._native`: proves whole blocks of NDJSON lines valid with the generated crate's
//! schema walk (the Rust validator that agrees with the Python one on every test document), and
//! counts them by label. One-sided like every fast path: a line it cannot prove is handed back, and
//! Python judges it with the reference engine, so messages, hints and exit codes stay Python's.

mod otlp;
mod seen;
mod shred;

use std::borrow::Cow;
use std::collections::HashMap;

use llm_analytics_hub_schemas::__private::{is_valid_document, parse, Json};
use llm_analytics_hub_schemas::{MAX_DEPTH, SCHEMA_DIGESTS};
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::Deserialize;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One type of the union layout (`schema_view.layout`): its tag, where the variant's data sits,
/// the variants by tag value, and the members that hold unions (for types that are not one).
#[derive(Deserialize)]
struct Node {
    tag: Option<String>,
    content: Option<String>,
    variants: Vec<(String, usize)>, // a few per union: a scan beats hashing
    members: Vec<(String, usize)>,
}

/// How `layout.label_of` names a document of one type in one version.
#[derive(Deserialize)]
struct LabelPlan {
    name: String,
    union: Option<usize>,
    first_member: Option<(String, usize)>,
    nodes: Vec<Node>,
}

impl LabelPlan {
    /// Writes the label of `document` into `out` (cleared first): no allocation once it has grown.
    fn label(&self, document: &Json, out: &mut String) {
        out.clear();
        let start = match (&self.union, &self.first_member) {
            (None, None) => return out.push_str(&self.name),
            (Some(union), _) => (*union, document),
            (None, Some((name, node))) => match document.get(name) {
                Some(inner @ Json::Obj(_)) => (*node, inner),
                _ => return out.push_str(&format!("(no {name})")),
            },
        };
        let mut tags = Vec::new();
        self.tag_values(start.0, Some(start.1), &mut tags);
        if tags.is_empty() {
            return out.push_str(&format!("(no {})", self.nodes[start.0].tag.as_deref().unwrap_or_default()));
        }
        for (index, tag) in tags.iter().enumerate() {
            if index > 0 {
                out.push('/');
            }
            out.push_str(tag);
        }
    }

    fn tag_values<'a>(&'a self, index: usize, document: Option<&'a Json>, out: &mut Vec<&'a str>) {
        let node = &self.nodes[index];
        let Some(document @ Json::Obj(_)) = document else { return };
        let value = node.tag.as_deref().and_then(|tag| document.get(tag));
        let value = match value {
            Some(Json::Str(text)) => {
                out.push(text.as_ref());
                Some(text.as_ref())
            }
            _ => None,
        };
        if node.tag.is_some() {
            let variant = value.and_then(|v| node.variants.iter().find(|(tag, _)| tag == v));
            if let Some(&(_, variant)) = variant {
                let inner = match &node.content {
                    None => Some(document),
                    Some(content) => document.get(content),
                };
                self.tag_values(variant, inner, out);
            }
            return;
        }
        for (name, member) in &node.members {
            self.tag_values(*member, document.get(name), out);
        }
    }
}

/// A compiled check of one catalogue type: `check(block)` for blocks of whole lines.
#[pyclass(frozen)]
struct BlockChecker {
    version: Option<String>,
    type_name: String,
    lenient: bool,
    plans: HashMap<String, LabelPlan>,
}

/// What one block gave: documents, lines, valid documents by label, the lines not proven, and how
/// many of those were valid under a version without a label plan.
type Outcome = (usize, usize, Vec<(String, usize)>, Vec<(usize, usize, usize)>, usize);

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

impl BlockChecker {
    /// Writes the label of `line` into `label` when the walk proves it valid; `Err(true)` when it is
    /// valid under a version this checker has no label plan for (Python judges it, and may add the plan).
    fn prove(&self, line: &[u8], label: &mut String) -> Result<(), bool> {
        let text = std::str::from_utf8(line).map_err(|_| false)?;
        let document = parse(text).map_err(|_| false)?; // duplicates, 1e400, too deep: invalid
        let (version, valid) = is_valid_document(self.version.as_deref(), &self.type_name, &document, self.lenient);
        if !valid {
            return Err(false);
        }
        self.plans.get(&version).ok_or(true)?.label(&document, label);
        Ok(())
    }

    fn check_lines(&self, data: &[u8]) -> Outcome {
        let (mut documents, mut lines) = (0, 0);
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut unproven = Vec::new();
        let (mut unplanned, mut start) = (0, 0);
        let mut label = String::new();
        // Lines end after each "\n" (the last one may lack it), as Python's BytesIO iteration cuts them.
        while start < data.len() {
            let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |at| start + at + 1);
            let line = &data[start..end];
            let index = lines;
            lines += 1;
            start = end;
            if line[0] != b'{' && is_blank(line) {
                continue;
            }
            documents += 1;
            let text = line.strip_suffix(b"\n").unwrap_or(line);
            match self.prove(text, &mut label) {
                Ok(()) => match counts.get_mut(label.as_str()) {
                    Some(count) => *count += 1,
                    None => {
                        counts.insert(label.clone(), 1);
                    }
                },
                Err(valid) => {
                    unplanned += usize::from(valid);
                    unproven.push((index, end - line.len(), end - line.len() + text.len()));
                }
            }
        }
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort();
        (documents, lines, counts, unproven, unplanned)
    }
}

#[pymethods]
impl BlockChecker {
    /// `plans` is JSON: {version: label plan} (see validation/native.py, which builds it from the layout).
    #[new]
    #[pyo3(signature = (version, type_name, lenient, plans))]
    fn new(version: Option<String>, type_name: String, lenient: bool, plans: &str) -> PyResult<Self> {
        let plans = serde_json::from_str(plans).map_err(|e| PyValueError::new_err(format!("label plans: {e}")))?;
        Ok(BlockChecker { version, type_name, lenient, plans })
    }

    /// (documents, lines, [(label, valid count)], [(line index, start, end) of each line not proven],
    /// how many of those were valid under a version without a plan).
    fn check(&self, py: Python<'_>, block: &Bound<'_, PyBytes>) -> Outcome {
        let data = block.as_bytes();
        py.allow_threads(|| self.check_lines(data))
    }

    /// The versions this checker has label plans for (those built from these very schemas), sorted.
    fn planned(&self) -> Vec<String> {
        let mut versions: Vec<String> = self.plans.keys().cloned().collect();
        versions.sort();
        versions
    }

    /// The label of one document's text (surrounding JSON whitespace allowed) when it is proven valid
    /// under a planned version; None means "not proven" (`Validator.fast_label`).
    fn label(&self, text: &[u8]) -> Option<String> {
        let mut label = String::new();
        self.prove(text, &mut label).ok().map(|()| label)
    }

    /// Whether a parsed document (dicts, lists, str, int, float, bool, None, as a JSON parser gives
    /// them) is proven valid under a planned version. False means "not proven": anything beyond
    /// those exact types, an int beyond 64 bits, a float that is not finite, a string with a lone
    /// surrogate, nesting deeper than the reader's limit, or an invalid document.
    fn proves(&self, document: &Bound<'_, PyAny>) -> bool {
        // Safety: the GIL is held throughout and no Python code runs, so every object reached from
        // `document` stays alive and unchanged while the borrowed tree exists (it is dropped here).
        let Some(tree) = (unsafe { tree_of(document.as_ptr(), 0) }) else { return false };
        let (version, valid) = is_valid_document(self.version.as_deref(), &self.type_name, &tree, self.lenient);
        valid && self.plans.contains_key(&version)
    }
}

/// Python's UTF-8 view of an exact `str`, borrowed for as long as the object lives; None (error
/// cleared) for a string that has no UTF-8 form (a lone surrogate).
unsafe fn text_of<'a>(text: *mut ffi::PyObject) -> Option<&'a str> {
    let mut size: ffi::Py_ssize_t = 0;
    let data = ffi::PyUnicode_AsUTF8AndSize(text, &mut size);
    if data.is_null() {
        ffi::PyErr_Clear();
        return None;
    }
    Some(std::str::from_utf8_unchecked(std::slice::from_raw_parts(data.cast::<u8>(), size as usize)))
}

/// The validator's view of a parsed Python document, strings borrowed (see `BlockChecker::proves`).
unsafe fn tree_of<'a>(value: *mut ffi::PyObject, depth: usize) -> Option<Json<'a>> {
    if ffi::PyUnicode_CheckExact(value) != 0 {
        return Some(Json::Str(Cow::Borrowed(text_of(value)?)));
    }
    if ffi::PyDict_CheckExact(value) != 0 {
        if depth >= MAX_DEPTH {
            return None; // as deep as the text reader goes
        }
        let mut members = Vec::with_capacity(ffi::PyDict_Size(value).max(0) as usize);
        let (mut at, mut key, mut item) = (0, std::ptr::null_mut(), std::ptr::null_mut());
        while ffi::PyDict_Next(value, &mut at, &mut key, &mut item) != 0 {
            if ffi::PyUnicode_CheckExact(key) == 0 {
                return None; // JSON member names are strings
            }
            members.push((Cow::Borrowed(text_of(key)?), tree_of(item, depth + 1)?));
        }
        return Some(Json::Obj(members));
    }
    if ffi::PyList_CheckExact(value) != 0 {
        if depth >= MAX_DEPTH {
            return None;
        }
        let size = ffi::PyList_Size(value).max(0);
        let mut items = Vec::with_capacity(size as usize);
        for index in 0..size {
            items.push(tree_of(ffi::PyList_GetItem(value, index), depth + 1)?);
        }
        return Some(Json::Arr(items));
    }
    if value == ffi::Py_None() {
        return Some(Json::Null);
    }
    if ffi::PyBool_Check(value) != 0 {
        return Some(Json::Bool(value == ffi::Py_True()));
    }
    if ffi::PyLong_CheckExact(value) != 0 {
        let mut overflow = 0;
        let small = ffi::PyLong_AsLongLongAndOverflow(value, &mut overflow);
        if overflow == 0 {
            return Some(Json::Int(i128::from(small)));
        }
        let large = ffi::PyLong_AsUnsignedLongLong(value);
        if large == u64::MAX && !ffi::PyErr_Occurred().is_null() {
            ffi::PyErr_Clear();
            return None; // beyond 64 bits: Python judges it
        }
        return Some(Json::Int(i128::from(large)));
    }
    if ffi::PyFloat_CheckExact(value) != 0 {
        let number = ffi::PyFloat_AsDouble(value);
        return number.is_finite().then_some(Json::Float(number));
    }
    None
}

/// {version: sha256 of the schema folder} the generated crate was built from.
#[pyfunction]
fn schema_digests() -> HashMap<&'static str, &'static str> {
    SCHEMA_DIGESTS.iter().copied().collect()
}

/// The interface version Python expects (validation/native.py `API`): a module built from older
/// sources, left behind in the package, is not used rather than failing on a missing method.
const API: u32 = 2;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("API", API)?;
    module.add_class::<BlockChecker>()?;
    otlp::register(module)?; // the OTLP fast path of otel import and serve (otlp.rs)
    shred::register(module)?; // the loader's column buffers (shred.rs)
    seen::register(module)?; // the loader's filter of written keys (seen.rs)
    module.add_function(wrap_pyfunction!(schema_digests, module)?)?;
    Ok(())
}
