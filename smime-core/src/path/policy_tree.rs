//! The valid_policy_tree of RFC 5280 §6.1.2–§6.1.5: certificate
//! policies, policy mappings, policyConstraints and inhibitAnyPolicy.
//!
//! Nodes live in one arena; deleted nodes are marked dead. The tree is
//! capped at [`MAX_NODES`] nodes (live or dead): beyond it the path is
//! rejected ("policy tree too large"), so hostile mappings cannot make it
//! grow without bound. Policy qualifiers are not kept.

use alloc::vec;
use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;

use super::cert_info::Extensions;

/// anyPolicy (2.5.29.32.0).
pub(crate) const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

/// The most expected-policy comparisons per path: beyond it the tree
/// counts as too large.
const MAX_WORK: usize = 1_000_000;

/// The most nodes a tree may hold.
pub(crate) const MAX_NODES: usize = 1000;

#[derive(Debug, Clone)]
struct Node {
    depth: usize,
    parent: Option<usize>,
    policy: ObjectIdentifier,
    expected: Vec<ObjectIdentifier>,
    alive: bool,
}

/// Why policy processing rejects a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PolicyError {
    /// More than [`MAX_NODES`] nodes.
    TooLarge,
    /// explicit_policy reached 0 with an empty tree.
    NoValidPolicy,
    /// A mapping from or to anyPolicy.
    AnyPolicyMapping,
}

impl PolicyError {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Self::TooLarge => "policy tree too large",
            Self::NoValidPolicy => "no acceptable certificate policy",
            Self::AnyPolicyMapping => "policy mapping involves anyPolicy",
        }
    }
}

/// The policy state along a path of `n` certificates.
#[derive(Debug, Clone)]
pub(crate) struct PolicyState {
    nodes: Vec<Node>,
    /// The tree is NULL.
    null: bool,
    explicit_policy: usize,
    policy_mapping: usize,
    inhibit_any_policy: usize,
    n: usize,
    /// Expected-policy comparisons made so far (bounded by [`MAX_WORK`]).
    work: usize,
}

impl PolicyState {
    /// Initial state (§6.1.2) for a path of `n` certificates.
    pub(crate) fn new(n: usize, explicit: bool, mapping_inhibit: bool, any_inhibit: bool) -> Self {
        let start = n.saturating_add(1);
        Self {
            nodes: vec![Node {
                depth: 0,
                parent: None,
                policy: ANY_POLICY,
                expected: vec![ANY_POLICY],
                alive: true,
            }],
            null: false,
            explicit_policy: if explicit { 0 } else { start },
            policy_mapping: if mapping_inhibit { 0 } else { start },
            inhibit_any_policy: if any_inhibit { 0 } else { start },
            n,
            work: 0,
        }
    }

    fn push(&mut self, node: Node) -> Result<(), PolicyError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(PolicyError::TooLarge);
        }
        self.nodes.push(node);
        Ok(())
    }

    fn live_at(&self, depth: usize) -> Vec<usize> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.alive && n.depth == depth)
            .map(|(i, _)| i)
            .collect()
    }

    fn has_live_child(&self, idx: usize) -> bool {
        self.nodes.iter().any(|n| n.alive && n.parent == Some(idx))
    }

    /// Removes nodes above `depth` without live children, bottom-up; the
    /// tree becomes NULL when the root dies.
    fn prune(&mut self, depth: usize) {
        for d in (0..depth).rev() {
            for idx in self.live_at(d) {
                if !self.has_live_child(idx)
                    && let Some(n) = self.nodes.get_mut(idx)
                {
                    n.alive = false;
                }
            }
        }
        if !self.nodes.first().is_some_and(|r| r.alive) {
            self.null = true;
        }
    }

    /// Kills a node and its descendants.
    fn kill(&mut self, idx: usize) {
        let mut stack = vec![idx];
        while let Some(i) = stack.pop() {
            if let Some(n) = self.nodes.get_mut(i) {
                if !n.alive {
                    continue;
                }
                n.alive = false;
            }
            for (j, n) in self.nodes.iter().enumerate() {
                if n.alive && n.parent == Some(i) {
                    stack.push(j);
                }
            }
        }
    }

    /// Processes certificate `i` (1-based, §6.1.3(d)–(f)).
    pub(crate) fn process(
        &mut self,
        i: usize,
        ext: &Extensions,
        self_issued: bool,
    ) -> Result<(), PolicyError> {
        match (&ext.policies, self.null) {
            (Some(cp), false) => {
                let parents = self.live_at(i.saturating_sub(1));
                let mut cert_any = false;
                for pi in &cp.0 {
                    let p = pi.policy_identifier;
                    if p == ANY_POLICY {
                        cert_any = true;
                        continue;
                    }
                    let mut matched = false;
                    for &par in &parents {
                        let expected = self.nodes.get(par).map_or(&[][..], |n| &n.expected[..]);
                        self.work = self.work.saturating_add(expected.len());
                        if self.work > MAX_WORK {
                            return Err(PolicyError::TooLarge);
                        }
                        let expects = expected.contains(&p);
                        if expects {
                            matched = true;
                            self.push(Node {
                                depth: i,
                                parent: Some(par),
                                policy: p,
                                expected: vec![p],
                                alive: true,
                            })?;
                        }
                    }
                    if !matched {
                        for &par in &parents {
                            if self.nodes.get(par).is_some_and(|n| n.policy == ANY_POLICY) {
                                self.push(Node {
                                    depth: i,
                                    parent: Some(par),
                                    policy: p,
                                    expected: vec![p],
                                    alive: true,
                                })?;
                            }
                        }
                    }
                }
                if cert_any && (self.inhibit_any_policy > 0 || (i < self.n && self_issued)) {
                    for &par in &parents {
                        let expected = self
                            .nodes
                            .get(par)
                            .map(|n| n.expected.clone())
                            .unwrap_or_default();
                        for value in expected {
                            let exists = self
                                .nodes
                                .iter()
                                .any(|c| c.alive && c.parent == Some(par) && c.policy == value);
                            if !exists {
                                self.push(Node {
                                    depth: i,
                                    parent: Some(par),
                                    policy: value,
                                    expected: vec![value],
                                    alive: true,
                                })?;
                            }
                        }
                    }
                }
                self.prune(i);
                if self.live_at(i).is_empty() {
                    self.null = true;
                }
            }
            _ => self.null = true,
        }
        if self.explicit_policy == 0 && self.null {
            return Err(PolicyError::NoValidPolicy);
        }
        Ok(())
    }

    /// Preparation for the next certificate from certificate `i`
    /// (§6.1.4(a)–(b), (h)–(j)).
    pub(crate) fn prepare(
        &mut self,
        i: usize,
        ext: &Extensions,
        self_issued: bool,
    ) -> Result<(), PolicyError> {
        if let Some(pm) = &ext.policy_mappings {
            if pm.0.iter().any(|m| {
                m.issuer_domain_policy == ANY_POLICY || m.subject_domain_policy == ANY_POLICY
            }) {
                return Err(PolicyError::AnyPolicyMapping);
            }
            if !self.null {
                let mut issuer_policies: Vec<ObjectIdentifier> = Vec::new();
                for m in &pm.0 {
                    if !issuer_policies.contains(&m.issuer_domain_policy) {
                        issuer_policies.push(m.issuer_domain_policy);
                    }
                }
                for idp in issuer_policies {
                    let mapped: Vec<ObjectIdentifier> =
                        pm.0.iter()
                            .filter(|m| m.issuer_domain_policy == idp)
                            .map(|m| m.subject_domain_policy)
                            .collect();
                    let level = self.live_at(i);
                    let with_p: Vec<usize> = level
                        .iter()
                        .copied()
                        .filter(|&x| self.nodes.get(x).is_some_and(|n| n.policy == idp))
                        .collect();
                    if self.policy_mapping > 0 {
                        if with_p.is_empty() {
                            let any = level.iter().copied().find(|&x| {
                                self.nodes.get(x).is_some_and(|n| n.policy == ANY_POLICY)
                            });
                            if let Some(any) = any {
                                let parent = self.nodes.get(any).and_then(|n| n.parent);
                                self.push(Node {
                                    depth: i,
                                    parent,
                                    policy: idp,
                                    expected: mapped,
                                    alive: true,
                                })?;
                            }
                        } else {
                            for x in with_p {
                                if let Some(n) = self.nodes.get_mut(x) {
                                    n.expected.clone_from(&mapped);
                                }
                            }
                        }
                    } else {
                        for x in with_p {
                            self.kill(x);
                        }
                        self.prune(i);
                        if self.live_at(i).is_empty() {
                            self.null = true;
                        }
                    }
                }
            }
        }
        if !self_issued {
            self.explicit_policy = self.explicit_policy.saturating_sub(1);
            self.policy_mapping = self.policy_mapping.saturating_sub(1);
            self.inhibit_any_policy = self.inhibit_any_policy.saturating_sub(1);
        }
        if let Some(pc) = &ext.policy_constraints {
            if let Some(r) = pc.require_explicit_policy {
                let r = usize::try_from(r).unwrap_or(usize::MAX);
                self.explicit_policy = self.explicit_policy.min(r);
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                let m = usize::try_from(m).unwrap_or(usize::MAX);
                self.policy_mapping = self.policy_mapping.min(m);
            }
        }
        if let Some(iap) = ext.inhibit_any_policy {
            let v = usize::try_from(iap).unwrap_or(usize::MAX);
            self.inhibit_any_policy = self.inhibit_any_policy.min(v);
        }
        Ok(())
    }

    /// Wrap-up (§6.1.5(a), (b), (g)) after the end entity `ext`.
    pub(crate) fn wrap_up(
        &mut self,
        ext: &Extensions,
        initial: &[ObjectIdentifier],
    ) -> Result<(), PolicyError> {
        self.explicit_policy = self.explicit_policy.saturating_sub(1);
        if ext
            .policy_constraints
            .as_ref()
            .is_some_and(|pc| pc.require_explicit_policy == Some(0))
        {
            self.explicit_policy = 0;
        }
        let any_initial = initial.is_empty() || initial.contains(&ANY_POLICY);
        if !self.null && !any_initial {
            let n = self.n;
            // valid_policy_node_set: live nodes whose parent is anyPolicy.
            let set: Vec<usize> = self
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, node)| {
                    node.alive
                        && node
                            .parent
                            .and_then(|p| self.nodes.get(p))
                            .is_some_and(|p| p.policy == ANY_POLICY)
                })
                .map(|(i, _)| i)
                .collect();
            let mut present: Vec<ObjectIdentifier> = Vec::new();
            for &x in &set {
                let Some(p) = self.nodes.get(x).map(|n| n.policy) else {
                    continue;
                };
                if p != ANY_POLICY && !initial.contains(&p) {
                    self.kill(x);
                } else {
                    present.push(p);
                }
            }
            let any_leaf = self
                .live_at(n)
                .into_iter()
                .find(|&x| self.nodes.get(x).is_some_and(|nd| nd.policy == ANY_POLICY));
            if let Some(leaf) = any_leaf {
                let parent = self.nodes.get(leaf).and_then(|nd| nd.parent);
                for p in initial {
                    if !present.contains(p) {
                        self.push(Node {
                            depth: n,
                            parent,
                            policy: *p,
                            expected: vec![*p],
                            alive: true,
                        })?;
                    }
                }
                self.kill(leaf);
            }
            self.prune(n);
            if self.live_at(n).is_empty() {
                self.null = true;
            }
        }
        if self.explicit_policy == 0 && self.null {
            return Err(PolicyError::NoValidPolicy);
        }
        Ok(())
    }

    /// Whether the tree is NULL.
    #[cfg(test)]
    pub(crate) fn is_null(&self) -> bool {
        self.null
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;
    use x509_cert::ext::pkix::certpolicy::PolicyInformation;
    use x509_cert::ext::pkix::{
        CertificatePolicies, PolicyConstraints, PolicyMapping, PolicyMappings,
    };

    const P1: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.2.1.48.1");
    const P2: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.2.1.48.2");

    fn pol(ps: &[ObjectIdentifier]) -> Extensions {
        Extensions {
            policies: Some(CertificatePolicies(
                ps.iter()
                    .map(|p| PolicyInformation {
                        policy_identifier: *p,
                        policy_qualifiers: None,
                    })
                    .collect(),
            )),
            ..Extensions::default()
        }
    }

    #[test]
    fn simple_policy_chain() {
        let mut st = PolicyState::new(2, true, false, false);
        st.process(1, &pol(&[P1]), false).unwrap();
        st.prepare(1, &pol(&[P1]), false).unwrap();
        st.process(2, &pol(&[P1]), false).unwrap();
        st.wrap_up(&pol(&[P1]), &[P1]).unwrap();
        assert!(!st.is_null());
    }

    #[test]
    fn explicit_policy_without_policies_fails() {
        let mut st = PolicyState::new(2, true, false, false);
        st.process(1, &Extensions::default(), false).unwrap_err();
        // Without explicit policy a missing policy is fine.
        let mut st = PolicyState::new(2, false, false, false);
        st.process(1, &Extensions::default(), false).unwrap();
        st.prepare(1, &Extensions::default(), false).unwrap();
        st.process(2, &pol(&[P1]), false).unwrap();
        st.wrap_up(&Extensions::default(), &[]).unwrap();
        assert!(st.is_null());
    }

    #[test]
    fn user_set_intersection() {
        let mut st = PolicyState::new(2, false, false, false);
        st.process(1, &pol(&[P1]), false).unwrap();
        st.prepare(1, &Extensions::default(), false).unwrap();
        st.process(2, &pol(&[P1]), false).unwrap();
        // Requiring explicit policy by the EE, initial set {P2}: no policy.
        let mut ee = pol(&[P1]);
        ee.policy_constraints = Some(PolicyConstraints {
            require_explicit_policy: Some(0),
            inhibit_policy_mapping: None,
        });
        assert_eq!(st.wrap_up(&ee, &[P2]), Err(PolicyError::NoValidPolicy));
    }

    #[test]
    fn mapping_and_any_policy() {
        let mut st = PolicyState::new(2, true, false, false);
        let mut ca = pol(&[ANY_POLICY]);
        ca.policy_mappings = Some(PolicyMappings(vec![PolicyMapping {
            issuer_domain_policy: P1,
            subject_domain_policy: P2,
        }]));
        st.process(1, &ca, false).unwrap();
        st.prepare(1, &ca, false).unwrap();
        st.process(2, &pol(&[P2]), false).unwrap();
        st.wrap_up(&pol(&[P2]), &[P1]).unwrap();
        assert!(!st.is_null());
        let mut bad = pol(&[P1]);
        bad.policy_mappings = Some(PolicyMappings(vec![PolicyMapping {
            issuer_domain_policy: ANY_POLICY,
            subject_domain_policy: P2,
        }]));
        let mut st = PolicyState::new(2, false, false, false);
        st.process(1, &bad, false).unwrap();
        assert_eq!(
            st.prepare(1, &bad, false),
            Err(PolicyError::AnyPolicyMapping)
        );
    }

    #[test]
    fn tree_size_is_capped() {
        let many: Vec<ObjectIdentifier> = (0..200u32)
            .map(|k| ObjectIdentifier::new(&alloc::format!("1.2.3.{k}")).unwrap())
            .collect();
        let mut ca = pol(&[ANY_POLICY]);
        ca.policy_mappings = Some(PolicyMappings(
            many.iter()
                .flat_map(|a| {
                    many.iter().take(10).map(|b| PolicyMapping {
                        issuer_domain_policy: *a,
                        subject_domain_policy: *b,
                    })
                })
                .collect(),
        ));
        let mut st = PolicyState::new(8, false, false, false);
        let mut failed = false;
        for i in 1..8 {
            if st.process(i, &pol(&many), false).is_err() || st.prepare(i, &ca, false).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed);
    }
}
