//! One tokio runtime per process, created lazily and again after `fork`, and the two ways Python
//! waits for core futures: blocking with the GIL released, or an asyncio future.

use std::future::Future;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::runtime::Runtime;

use crate::errors::{internal, to_py};

/// The runtime and the process it was made in.
static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The process's runtime. After `fork` the child inherits the parent's runtime without its
/// threads; it is leaked (dropping it would wait for threads that do not exist) and a new one
/// is built.
pub fn runtime() -> PyResult<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(rt.clone());
    }
    if let Some((_, stale)) = slot.take() {
        std::mem::forget(stale);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("kmipkit-io")
        .enable_all()
        .build()
        .map(Arc::new)
        .map_err(|e| internal(format!("cannot start the kmipkit I/O runtime: {e}")))?;
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}

/// Runs `fut` to completion on the runtime with the GIL released.
pub fn block<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = kmipkit::error::Result<T>> + Send,
    T: Send,
{
    let rt = runtime()?;
    py.detach(|| rt.block_on(fut)).map_err(to_py)
}

/// Converts a finished core value to a Python object (called with the GIL held).
pub type Convert<T> = fn(Python<'_>, T) -> PyResult<Py<PyAny>>;

/// Starts `fut` on the runtime and returns an asyncio future of `loop_` that completes with
/// `convert(result)` or the mapped exception. Cancelling the asyncio future abandons the result.
pub fn spawn<F, T>(
    py: Python<'_>,
    loop_: &Bound<'_, PyAny>,
    fut: F,
    convert: Convert<T>,
) -> PyResult<Py<PyAny>>
where
    F: Future<Output = kmipkit::error::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime()?;
    let future = loop_.call_method0("create_future")?.unbind();
    let target = future.clone_ref(py);
    let loop_ = loop_.clone().unbind();
    rt.spawn(async move {
        let out = fut.await;
        Python::attach(|py| {
            let (ok, value) = match out.map_err(to_py).and_then(|v| convert(py, v)) {
                Ok(v) => (true, v),
                Err(e) => (false, e.into_value(py).into_any()),
            };
            // The loop may be closed by now; then nobody waits for the result.
            if let Ok(complete) = completer(py) {
                let _ = loop_
                    .bind(py)
                    .call_method1("call_soon_threadsafe", (complete, target, ok, value));
            }
        });
    });
    Ok(future)
}

static COMPLETE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn completer(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    Ok(COMPLETE
        .get_or_try_init(py, || {
            wrap_pyfunction!(complete, py).map(|f| f.into_any().unbind())
        })?
        .bind(py))
}

/// Sets the result or exception of an asyncio future unless it was cancelled meanwhile.
#[pyfunction]
fn complete(future: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if ok {
        future.call_method1("set_result", (value,))?;
    } else {
        future.call_method1("set_exception", (value,))?;
    }
    Ok(())
}

/// Either blocks (no loop given) or returns an asyncio future of `loop_`.
pub fn run<F, T>(
    py: Python<'_>,
    loop_: Option<&Bound<'_, PyAny>>,
    fut: F,
    convert: Convert<T>,
) -> PyResult<Py<PyAny>>
where
    F: Future<Output = kmipkit::error::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    match loop_ {
        Some(l) => spawn(py, l, fut, convert),
        None => {
            let value = block(py, fut)?;
            convert(py, value)
        }
    }
}
