//! An object's attributes: Get Attributes, Get Attribute List, Add/Modify/Set Attribute and
//! Delete Attribute.

use kmipkit::message::*;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::results::*;
use super::{NativeClient, Obj};
use crate::convert::{self};
use crate::runtime::run;

#[pymethods]
impl NativeClient {
    /// Get Attributes: `(name, value)` pairs; all attributes when `names` is empty.
    #[pyo3(signature = (unique_identifier, names, aio=None))]
    fn get_attributes(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        names: Vec<String>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let refs = names.iter().map(|n| convert::reference(n)).collect();
        let request = GetAttributesRequest::new(Some(unique_identifier), refs);
        run(
            py,
            aio.as_ref(),
            async move { c.get_attributes(request).await },
            |py, r| attribute_pairs(py, &r.attributes),
        )
    }

    /// Get Attribute List: the names of the attributes an object has.
    #[pyo3(signature = (unique_identifier, aio=None))]
    fn get_attribute_list(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.get_attribute_list(&unique_identifier).await },
            |py, refs| texts(py, refs.iter().map(convert::reference_name).collect()),
        )
    }

    /// Add Attribute, Modify Attribute or Set Attribute (`how` is `add`, `modify` or `set`).
    /// `current`: for Modify in KMIP 2.x, the value being replaced (needed for multi-valued
    /// attributes such as Name).
    #[pyo3(signature = (how, unique_identifier, name, value, current=None, aio=None))]
    fn change_attribute(
        &self,
        py: Python<'_>,
        how: &str,
        unique_identifier: String,
        name: &str,
        value: Bound<'_, PyAny>,
        current: Option<Bound<'_, PyAny>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let attribute = convert::attribute(name, &value)?;
        let id = Some(unique_identifier);
        match how {
            "add" => {
                let r = AddAttributeRequest::new(id, attribute);
                run(
                    py,
                    aio.as_ref(),
                    async move { c.add_attribute(r).await.map(drop) },
                    none,
                )
            }
            "modify" => {
                let mut r = ModifyAttributeRequest::new(id, attribute);
                if let Some(current) = current {
                    r.current_attribute =
                        Some(AttributeEntry::from(convert::attribute(name, &current)?));
                }
                run(
                    py,
                    aio.as_ref(),
                    async move { c.modify_attribute(r).await.map(drop) },
                    none,
                )
            }
            "set" => {
                let r = SetAttributeRequest::new(id, attribute);
                run(
                    py,
                    aio.as_ref(),
                    async move { c.set_attribute(r).await.map(drop) },
                    none,
                )
            }
            other => Err(PyValueError::new_err(format!(
                "unknown attribute change {other:?}"
            ))),
        }
    }

    /// Delete Attribute.
    #[pyo3(signature = (unique_identifier, name, aio=None))]
    fn delete_attribute(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        name: &str,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let r =
            DeleteAttributeRequest::new(Some(unique_identifier), convert::reference_by_name(name));
        run(
            py,
            aio.as_ref(),
            async move { c.delete_attribute(r).await.map(drop) },
            none,
        )
    }
}
