//! `llm_analytics_hub._native`: proves whole blocks of NDJSON lines valid with the generated crate's
//! schema walk (the Rust validator that agrees with the Python one on every test document), and
//! counts them by label. One-sided like every fast path: a line it cannot prove is handed back, and
//! Python judges it with the reference engine, so messages, hints and exit codes stay Python's.

use std::collections::HashMap;

use llm_analytics_hub_schemas::runtime::{parse_strict, Json};
use llm_analytics_hub_schemas::{is_valid_document, SCHEMA_DIGESTS};
use pyo3::exceptions::PyValueError;
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
        let document = parse_strict(text).map_err(|_| false)?; // duplicates, 1e309: invalid
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
}

/// {version: sha256 of the schema folder} the generated crate was built from.
#[pyfunction]
fn schema_digests() -> HashMap<&'static str, &'static str> {
    SCHEMA_DIGESTS.iter().copied().collect()
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<BlockChecker>()?;
    module.add_function(wrap_pyfunction!(schema_digests, module)?)?;
    Ok(())
}
