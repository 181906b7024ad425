//! Locating the first difference between two item trees, for test and conformance reports.

use super::item::Item;

/// Describes where `left` and `right` first differ, or `None` when they are identical.
///
/// The path names each structure by tag, with the child's position among its siblings.
///
/// ```
/// use kmipkit::ttlv::{first_difference, Item, Value};
/// let a = Item::structure(0x420078, vec![Item::new(0x420020, Value::Integer(1))]);
/// let b = Item::structure(0x420078, vec![Item::new(0x420020, Value::Integer(2))]);
/// let diff = first_difference(&a, &b).unwrap();
/// assert!(diff.contains("Integer(1)") && diff.contains("Integer(2)"), "{diff}");
/// assert_eq!(first_difference(&a, &a), None);
/// ```
pub fn first_difference(left: &Item<'_>, right: &Item<'_>) -> Option<String> {
    diff(left, right, &mut String::new())
}

fn diff(left: &Item<'_>, right: &Item<'_>, path: &mut String) -> Option<String> {
    let here = format!("{path}/{:?}", left.tag);
    if left.tag != right.tag {
        return Some(format!("{path}: tag {:?} became {:?}", left.tag, right.tag));
    }
    let (l, r) = (left.children(), right.children());
    if left.item_type() != right.item_type() || (l.is_empty() && r.is_empty()) {
        return (left.value != right.value)
            .then(|| format!("{here}: {:?} became {:?}", left.value, right.value));
    }
    let mut child_path = here.clone();
    for (i, (a, b)) in l.iter().zip(r).enumerate() {
        child_path.truncate(here.len());
        child_path.push_str(&format!("[{i}]"));
        if let Some(d) = diff(a, b, &mut child_path) {
            return Some(d);
        }
    }
    match l.len().cmp(&r.len()) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(format!(
            "{here}: child {:?} (#{}) was dropped",
            l[r.len()].tag,
            r.len()
        )),
        std::cmp::Ordering::Less => Some(format!(
            "{here}: child {:?} (#{}) was added",
            r[l.len()].tag,
            l.len()
        )),
    }
}
