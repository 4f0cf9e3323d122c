//! Credentials a provider issues (Scaleway's SQS credentials) and which accounts have
//! the service activated: the data the management API edits and the service layer
//! checks callers against.

use std::collections::{BTreeMap, HashMap};

/// What an issued credential may do (Scaleway's `can_publish`, `can_receive`,
/// `can_manage`).
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Dialect, FakeSqs, Permissions};
///
/// // A key that may only send, beside the default one with every permission.
/// let publisher = Permissions { can_publish: true, ..Permissions::default() };
/// let sqs = FakeSqs::builder()
///     .dialect(Dialect::Scaleway)
///     .scaleway_credential("SCWPUBLISHONLY", "secret", publisher)
///     .start()
///     .await;
/// # drop(sqs);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Permissions {
    /// Send messages.
    pub can_publish: bool,
    /// Receive, delete, and change the visibility of messages.
    pub can_receive: bool,
    /// Everything else: create, list, configure, purge and delete queues.
    pub can_manage: bool,
}

impl Permissions {
    /// All three permissions.
    ///
    /// # Example
    /// ```
    /// let all = fake_sqs::Permissions::all();
    /// assert!(all.can_publish && all.can_receive && all.can_manage);
    /// ```
    pub fn all() -> Self {
        Permissions {
            can_publish: true,
            can_receive: true,
            can_manage: true,
        }
    }
}

/// One credential, as the management API shows it.
#[derive(Debug, Clone)]
pub(crate) struct Credential {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub region: String,
    /// Epoch milliseconds.
    pub created_at: u64,
    pub updated_at: u64,
    pub access_key: String,
    pub secret_key: String,
    pub permissions: Permissions,
}

/// Whether SQS is activated for one project in one region.
#[derive(Debug, Clone)]
pub(crate) struct Activation {
    pub created_at: u64,
    pub updated_at: u64,
    pub enabled: bool,
}

/// All issued credentials and activations of the fake.
#[derive(Debug, Default)]
pub(crate) struct Credentials {
    credentials: BTreeMap<String, Credential>,
    by_access_key: HashMap<String, String>,
    /// By (project, region).
    pub activations: HashMap<(String, String), Activation>,
}

impl Credentials {
    pub(crate) fn insert(&mut self, credential: Credential) {
        self.by_access_key
            .insert(credential.access_key.clone(), credential.id.clone());
        self.credentials.insert(credential.id.clone(), credential);
    }

    pub(crate) fn by_access_key(&self, key: &str) -> Option<&Credential> {
        self.by_access_key
            .get(key)
            .and_then(|id| self.credentials.get(id))
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Credential> {
        self.credentials.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Credential> {
        self.credentials.get_mut(id)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Credential> {
        let removed = self.credentials.remove(id)?;
        self.by_access_key.remove(&removed.access_key);
        Some(removed)
    }

    /// Credentials of a project in a region, oldest first.
    pub(crate) fn of_project(&self, project: Option<&str>, region: &str) -> Vec<&Credential> {
        let mut out: Vec<&Credential> = self
            .credentials
            .values()
            .filter(|c| c.region == region && project.is_none_or(|p| c.project_id == p))
            .collect();
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        out
    }

    /// Removes every credential of a project in a region (deactivation).
    pub(crate) fn remove_project(&mut self, project: &str, region: &str) {
        let ids: Vec<String> = self
            .of_project(Some(project), region)
            .iter()
            .map(|c| c.id.clone())
            .collect();
        for id in ids {
            self.remove(&id);
        }
    }

    pub(crate) fn is_enabled(&self, project: &str, region: &str) -> bool {
        self.activations
            .get(&(project.to_owned(), region.to_owned()))
            .is_some_and(|a| a.enabled)
    }
}
