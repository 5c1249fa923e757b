//! A map from partition ids to values, stored densely by id. Partition ids within a
//! keyspace are small and handed out in sequence (never reused), so a vector indexed by
//! id finds a partition's value in one step, where an ordered tree keyed by id walks
//! several nodes; the simulation looks partitions up several times per request, in
//! keyspaces of up to thousands of partitions.

/// Values by partition id, iterated in id order.
#[derive(Debug, Clone, PartialEq)]
pub struct IdMap<V> {
    slots: Vec<Option<V>>,
    len: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<V> IdMap<V> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn get(&self, id: &u32) -> Option<&V> {
        self.slots.get(*id as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, id: &u32) -> Option<&mut V> {
        self.slots.get_mut(*id as usize)?.as_mut()
    }

    pub fn contains_key(&self, id: &u32) -> bool {
        self.get(id).is_some()
    }

    /// Stores `value` under `id`, returning what was there.
    pub fn insert(&mut self, id: u32, value: V) -> Option<V> {
        let at = id as usize;
        if at >= self.slots.len() {
            self.slots.resize_with(at + 1, || None);
        }
        let old = self.slots[at].replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub fn remove(&mut self, id: &u32) -> Option<V> {
        let old = self.slots.get_mut(*id as usize)?.take();
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// The value under `id`, made by `make` if there is none.
    pub fn get_or_insert_with(&mut self, id: u32, make: impl FnOnce() -> V) -> &mut V {
        if !self.contains_key(&id) {
            self.insert(id, make());
        }
        self.get_mut(&id).expect("just inserted")
    }

    /// The ids present, ascending.
    pub fn keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_some())
            .map(|(i, _)| i as u32)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.slots.iter().flatten()
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> + '_ {
        self.slots.iter_mut().flatten()
    }
}

impl<V> FromIterator<(u32, V)> for IdMap<V> {
    fn from_iter<I: IntoIterator<Item = (u32, V)>>(iter: I) -> Self {
        let mut map = IdMap::default();
        for (id, value) in iter {
            map.insert(id, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_id_and_listed_in_id_order() {
        let mut map: IdMap<&str> = [(7, "seven"), (2, "two")].into_iter().collect();
        assert_eq!(map.len(), 2);
        assert_eq!(map.get(&7), Some(&"seven"));
        assert_eq!(map.get(&3), None);
        assert_eq!(map.keys().collect::<Vec<_>>(), vec![2, 7]);
        assert_eq!(map.remove(&2), Some("two"));
        assert_eq!((map.len(), map.contains_key(&2)), (1, false));
        *map.get_or_insert_with(9, || "nine") = "NINE";
        assert_eq!(
            map.values().copied().collect::<Vec<_>>(),
            vec!["seven", "NINE"]
        );
    }
}
