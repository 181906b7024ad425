//! Conversions between Python values and the core's typed model: attributes, enumerations,
//! protected key bytes. No KMIP logic lives here.

use kmipkit::keys::SecretBytes;
use kmipkit::message::{
    Attribute, AttributeReference, Attributes, CustomAttribute, DateTime, Name,
};
use kmipkit::spec::{
    CryptographicAlgorithm, CryptographicUsageMask, ObjectType, ProtocolVersion, State, Tag,
};
use kmipkit::ttlv::Value;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyList};

/// Key bytes in protected memory (locked, zeroized on drop); never shown by `repr`.
#[pyclass(module = "kmipkit._native", name = "Secret", frozen)]
pub struct Secret(pub SecretBytes);

#[pymethods]
impl Secret {
    /// The bytes, copied into a Python `bytes` object: only when the caller asks. In a child
    /// process forked after the key was made, `RuntimeError`: secret memory is not inherited.
    fn expose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        if !self.0.is_available() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this key was made before os.fork() and its protected memory is not inherited by the child process; fetch or make keys after forking",
            ));
        }
        Ok(pyo3::types::PyBytes::new(py, self.0.expose()))
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// Whether the bytes are locked in memory (kept out of swap).
    #[getter]
    fn locked(&self) -> bool {
        self.0.is_locked()
    }

    fn __repr__(&self) -> String {
        format!("<Secret {} bytes>", self.0.len())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Secret>().is_ok_and(|o| o.get().0 == self.0)
    }

    fn __hash__(&self) -> PyResult<isize> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "Secret is not hashable",
        ))
    }
}

/// An enumeration value by its KMIP name (`"AES"`, `"SymmetricKey"`).
pub fn enum_value<T>(what: &str, name: &str, parse: fn(&str) -> Option<T>) -> PyResult<T> {
    parse(name).ok_or_else(|| PyValueError::new_err(format!("unknown {what} {name:?}")))
}

/// A protocol version from `"1.4"` (the core's parser).
pub fn version(text: &str) -> PyResult<ProtocolVersion> {
    text.parse()
        .map_err(|e| PyValueError::new_err(format!("{e}: {text:?}")))
}

/// `"1.4"`.
pub fn version_text(v: ProtocolVersion) -> String {
    v.to_string()
}

/// An enumeration's name, or its hex value when it has none.
pub fn name_or_hex(name: Option<&'static str>, value: u32) -> String {
    name.map_or_else(|| format!("{value:#x}"), str::to_string)
}

/// A usage mask from a list of names (`["Encrypt", "Decrypt"]`) or an integer.
pub fn usage_mask(value: &Bound<'_, PyAny>) -> PyResult<CryptographicUsageMask> {
    if let Ok(bits) = value.extract::<u32>() {
        return Ok(CryptographicUsageMask(bits));
    }
    let mut mask = CryptographicUsageMask(0);
    for name in value.extract::<Vec<String>>()? {
        mask |= enum_value("usage mask", &name, CryptographicUsageMask::from_name)?;
    }
    Ok(mask)
}

/// One attribute from its tag name (`"CryptographicAlgorithm"`) and a Python value.
/// Names starting with `x-` or `y-` are vendor attributes with a text value.
pub fn attribute(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Attribute> {
    if name.starts_with("x-") || name.starts_with("y-") {
        return Ok(Attribute::Custom(CustomAttribute::text(
            name,
            value.extract::<String>()?,
        )));
    }
    let tag = Tag::from_name(name)
        .ok_or_else(|| PyValueError::new_err(format!("unknown attribute {name:?}")))?;
    let text = || value.extract::<String>();
    let date = || value.extract::<i64>().map(DateTime);
    Ok(match tag {
        Tag::Name => Attribute::Name(Name::text(text()?)),
        Tag::CryptographicAlgorithm => Attribute::CryptographicAlgorithm(enum_value(
            "algorithm",
            &text()?,
            CryptographicAlgorithm::from_name,
        )?),
        Tag::CryptographicLength => Attribute::CryptographicLength(value.extract()?),
        Tag::CryptographicUsageMask => Attribute::CryptographicUsageMask(usage_mask(value)?),
        Tag::ObjectGroup => Attribute::ObjectGroup(text()?),
        Tag::ContactInformation => Attribute::ContactInformation(text()?),
        Tag::Description => Attribute::Description(text()?),
        Tag::Comment => Attribute::Comment(text()?),
        Tag::OperationPolicyName => Attribute::OperationPolicyName(text()?),
        Tag::ActivationDate => Attribute::ActivationDate(date()?),
        Tag::DeactivationDate => Attribute::DeactivationDate(date()?),
        Tag::ProcessStartDate => Attribute::ProcessStartDate(date()?),
        Tag::ProtectStopDate => Attribute::ProtectStopDate(date()?),
        Tag::Sensitive => Attribute::Sensitive(value.extract()?),
        Tag::Extractable => Attribute::Extractable(value.extract()?),
        Tag::State => Attribute::State(enum_value("state", &text()?, State::from_name)?),
        Tag::ObjectType => {
            Attribute::ObjectType(enum_value("object type", &text()?, ObjectType::from_name)?)
        }
        other => {
            return Err(PyValueError::new_err(format!(
                "attribute {name:?} ({other:?}) cannot be set from Python; use an x- vendor attribute or the codec"
            )));
        }
    })
}

/// Attributes from `(name, value)` pairs.
pub fn attributes(pairs: Vec<(String, Bound<'_, PyAny>)>) -> PyResult<Attributes> {
    let mut out = Attributes::default();
    for (name, value) in pairs {
        out.push(attribute(&name, &value)?);
    }
    Ok(out)
}

/// A reference to an attribute by tag name, or a vendor attribute by its name.
pub fn reference(name: &str) -> AttributeReference {
    match Tag::from_name(name) {
        Some(tag) if !name.starts_with("x-") && !name.starts_with("y-") => {
            AttributeReference::Tag(tag)
        }
        _ => AttributeReference::Named {
            vendor_identification: None,
            name: name.to_string(),
        },
    }
}

/// A reference in its by-name form (KMIP 2.x: Vendor Identification "" + Attribute Name, the
/// form PyKMIP reads in Delete Attribute; KMIP 1.x: the Attribute Name).
pub fn reference_by_name(name: &str) -> AttributeReference {
    let name = match Tag::from_name(name) {
        Some(tag) => kmipkit::spec::attribute_name(tag).unwrap_or(name),
        None => name,
    };
    AttributeReference::Named {
        vendor_identification: Some(String::new()),
        name: name.to_string(),
    }
}

/// The tag name of a reference.
pub fn reference_name(reference: &AttributeReference) -> String {
    match reference {
        AttributeReference::Tag(t) => name_or_hex(t.name(), t.0),
        AttributeReference::Named { name, .. } => name.clone(),
        _ => format!("{reference:?}"),
    }
}

/// `(tag name, Python value)` of an attribute read from a server.
pub fn attribute_out(py: Python<'_>, attribute: &Attribute) -> PyResult<(String, Py<PyAny>)> {
    let tag = attribute.tag();
    let mut name = name_or_hex(tag.name(), tag.0);
    let value: Py<PyAny> = match attribute {
        Attribute::UniqueIdentifier(s)
        | Attribute::OperationPolicyName(s)
        | Attribute::ObjectGroup(s)
        | Attribute::ContactInformation(s)
        | Attribute::Description(s)
        | Attribute::Comment(s) => s.into_pyobject(py)?.into_any().unbind(),
        Attribute::Name(n) => n.name_value.clone().into_pyobject(py)?.into_any().unbind(),
        Attribute::ObjectType(v) => name_or_hex(v.name(), v.0)
            .into_pyobject(py)?
            .into_any()
            .unbind(),
        Attribute::CryptographicAlgorithm(v) => name_or_hex(v.name(), v.0)
            .into_pyobject(py)?
            .into_any()
            .unbind(),
        Attribute::State(v) => name_or_hex(v.name(), v.0)
            .into_pyobject(py)?
            .into_any()
            .unbind(),
        Attribute::CryptographicLength(v) => v.into_pyobject(py)?.into_any().unbind(),
        Attribute::CryptographicUsageMask(m) => {
            let names: Vec<String> = m
                .names()
                .map(|n| n.map_or_else(|bits| format!("{bits:#x}"), str::to_string))
                .collect();
            PyList::new(py, names)?.into_any().unbind()
        }
        Attribute::InitialDate(d)
        | Attribute::ActivationDate(d)
        | Attribute::ProcessStartDate(d)
        | Attribute::ProtectStopDate(d)
        | Attribute::DeactivationDate(d)
        | Attribute::DestroyDate(d)
        | Attribute::CompromiseOccurrenceDate(d)
        | Attribute::CompromiseDate(d)
        | Attribute::ArchiveDate(d)
        | Attribute::LastChangeDate(d)
        | Attribute::OriginalCreationDate(d) => d.0.into_pyobject(py)?.into_any().unbind(),
        Attribute::Fresh(b)
        | Attribute::KeyValuePresent(b)
        | Attribute::Sensitive(b)
        | Attribute::AlwaysSensitive(b)
        | Attribute::Extractable(b)
        | Attribute::NeverExtractable(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Attribute::Custom(c) => {
            name = c.name.clone();
            match c.value.as_ref().map(|v| &v.value) {
                Some(Value::TextString(t)) => t.to_string().into_pyobject(py)?.into_any().unbind(),
                Some(Value::Integer(i)) => i.into_pyobject(py)?.into_any().unbind(),
                Some(Value::LongInteger(i)) => i.into_pyobject(py)?.into_any().unbind(),
                Some(Value::Boolean(b)) => PyBool::new(py, *b).to_owned().into_any().unbind(),
                Some(other) => {
                    let item = kmipkit::ttlv::Item::new(tag, other.clone());
                    json_loads(py, &kmipkit::ttlv::json::plain(&item).to_string())?
                }
                None => py.None(),
            }
        }
        // Structured attributes (Application Specific Information, links, digests, parameters)
        // as dicts by KMIP tag name: the core's plain JSON of the value. The package turns
        // Application Specific Information into its dataclass.
        other => json_loads(py, &other.value_json().to_string())?,
    };
    Ok((name, value))
}

fn json_loads(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}
