//! Credentials a provider issues (Scaleway's SQS credentials) and which accounts have
//! the service activated: the data the management API edits and the service layer
//! checks callers against. Credentials declared on the builder for providers that issue
//! none (AWS, Yandex) are here too: the secret and account of each access key.

use std::collections::{BTreeMap, HashMap};

use super::{Caller, Engine, QueueRef};
use crate::rules::CredentialModel;
pub(crate) use crate::rules::Permissions;

/// One credential, as the management API shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// A credential declared on the builder (`FakeSqsBuilder::credential`) where the
/// provider issues none: the secret strict mode checks signatures with, and the account
/// the access key acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declared {
    pub secret_key: String,
    pub account: String,
}

/// Whether SQS is activated for one project in one region.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

    /// Every issued credential, by id.
    #[cfg(feature = "durable")]
    pub(crate) fn all(&self) -> impl Iterator<Item = &Credential> {
        self.credentials.values()
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

/// What a credential's update changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct CredentialUpdate {
    pub name: Option<String>,
    pub can_publish: Option<bool>,
    pub can_receive: Option<bool>,
    pub can_manage: Option<bool>,
}

impl CredentialUpdate {
    /// `base` with the flags this update sets.
    pub(crate) fn permissions(&self, base: Permissions) -> Permissions {
        Permissions {
            can_publish: self.can_publish.unwrap_or(base.can_publish),
            can_receive: self.can_receive.unwrap_or(base.can_receive),
            can_manage: self.can_manage.unwrap_or(base.can_manage),
        }
    }
}

impl Engine {
    /// Activates or deactivates the service for `project` in `region`. Deactivation
    /// revokes the project's credentials and deletes its queues, each as DeleteQueue
    /// would (long polls on them answer at once).
    pub(crate) fn set_activation(&self, project: &str, region: &str, enabled: bool) -> Activation {
        let now = self.now();
        let mut state = self.lock();
        let activation = state
            .credentials
            .activations
            .entry((project.to_owned(), region.to_owned()))
            .or_insert(Activation {
                created_at: now,
                updated_at: now,
                enabled: false,
            });
        activation.enabled = enabled;
        activation.updated_at = now;
        let answer = activation.clone();
        if enabled {
            return answer;
        }
        state.credentials.remove_project(project, region);
        let owner = Caller {
            account: project.to_owned(),
            region: region.to_owned(),
        };
        let names: Vec<String> = state
            .region(&owner)
            .map(|r| r.queues.keys().cloned().collect())
            .unwrap_or_default();
        let mut removed = Vec::with_capacity(names.len());
        for name in names {
            let target = QueueRef {
                owner: owner.clone(),
                name,
                incarnation: None,
            };
            removed.extend(state.remove_queue(&target, now).ok());
        }
        drop(state);
        for queue in removed {
            queue.waiters.notify_waiters();
        }
        answer
    }

    /// Whether the service is activated for `project` in `region` (a project never
    /// activated reads as disabled since now).
    pub(crate) fn activation(&self, project: &str, region: &str) -> Activation {
        let now = self.now();
        self.lock()
            .credentials
            .activations
            .get(&(project.to_owned(), region.to_owned()))
            .cloned()
            .unwrap_or(Activation {
                created_at: now,
                updated_at: now,
                enabled: false,
            })
    }

    /// The credentials of `project` (all projects when `None`) in `region`, oldest
    /// first: how many there are, and the page of `size` starting at page `page` (1).
    pub(crate) fn credentials_of(
        &self,
        project: Option<&str>,
        region: &str,
        page: usize,
        size: usize,
    ) -> (usize, Vec<Credential>) {
        let state = self.lock();
        let all = state.credentials.of_project(project, region);
        let items = all
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .map(|c| (*c).clone())
            .collect();
        (all.len(), items)
    }

    /// Issues a new credential of `project` in `region`, with generated id, access key
    /// (`SCW` and 17 characters) and secret. `name` defaults to one made from the id.
    pub(crate) fn issue_credential(
        &self,
        name: Option<String>,
        project: String,
        region: String,
        permissions: Permissions,
    ) -> Credential {
        let now = self.now();
        let mut ids = self.ids();
        let id = ids.uuid();
        let secret_key = ids.uuid();
        let mut key = [0u8; 17];
        for b in key.iter_mut() {
            *b = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(ids.next_u64() % 36) as usize];
        }
        drop(ids);
        let credential = Credential {
            name: name.unwrap_or_else(|| format!("credentials-{}", &id[..8])),
            id,
            project_id: project,
            region,
            created_at: now,
            updated_at: now,
            access_key: format!("SCW{}", String::from_utf8_lossy(&key)),
            secret_key,
            permissions,
        };
        self.lock().credentials.insert(credential.clone());
        credential
    }

    /// The credential `id`.
    pub(crate) fn credential(&self, id: &str) -> Option<Credential> {
        self.lock().credentials.get(id).cloned()
    }

    /// Changes the credential `id`'s name and permissions.
    pub(crate) fn update_credential(
        &self,
        id: &str,
        update: &CredentialUpdate,
    ) -> Option<Credential> {
        let now = self.now();
        let mut state = self.lock();
        let credential = state.credentials.get_mut(id)?;
        if let Some(name) = &update.name {
            credential.name = name.clone();
        }
        credential.permissions = update.permissions(credential.permissions);
        credential.updated_at = now;
        Some(credential.clone())
    }

    /// Revokes the credential `id`; whether there was one.
    pub(crate) fn revoke_credential(&self, id: &str) -> bool {
        self.lock().credentials.remove(id).is_some()
    }

    /// The secret of the credential with `access_key` and the region it is valid in,
    /// for checking a signature: a declared credential is valid in the fake's region (an
    /// AWS endpoint serves one region), an issued one in its own.
    pub(crate) fn signing_secret(&self, access_key: &str) -> Option<(String, String)> {
        let config = self.config();
        match config.rules.credentials {
            CredentialModel::Scope => config
                .declared
                .get(access_key)
                .map(|d| (d.secret_key.clone(), config.default_region.clone())),
            CredentialModel::Issued => self
                .lock()
                .credentials
                .by_access_key(access_key)
                .map(|c| (c.secret_key.clone(), c.region.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{queue, scaleway_engine};

    /// Deactivating a project revokes its credentials and deletes its queues as
    /// DeleteQueue does: the names stay taken for 60 s.
    #[test]
    fn deactivation_deletes_the_projects_queues_and_credentials() {
        let (engine, _) = scaleway_engine();
        let project = engine.config().default_account.clone();
        let region = engine.config().default_region.clone();
        engine.set_activation(&project, &region, true);
        let issued =
            engine.issue_credential(None, project.clone(), region.clone(), Permissions::all());
        let q = queue(&engine, "q", &[]);
        let off = engine.set_activation(&project, &region, false);
        assert!(!off.enabled);
        assert!(engine.credential(&issued.id).is_none());
        assert!(engine.queue_attributes(&q, &[]).is_err());
        let err = engine
            .create_queue(&q.owner, "q", &[], Vec::new())
            .unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::QueueDeletedRecently);
    }
}
