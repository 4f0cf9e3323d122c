//! The test author's toolkit on the handle: [`FakeSqs`]'s methods for injected faults,
//! at-least-once chaos, the request journal and expectations. The types they take and
//! give are data, each in a file of its own (`faults.rs`, `chaos.rs`, `journal.rs`,
//! `expect.rs`); what every request does with them is the service layer's
//! (`service/controls.rs`), and chaos is applied by the engine (`engine/chaos.rs`).

use crate::api::ActionName as Action;
use crate::chaos::Chaos;
use crate::expect::{Expectation, ExpectationId, ExpectationSpec, Verification};
use crate::fake::FakeSqs;
use crate::faults::{Fault, FaultId, FaultStatus};
use crate::journal::Requests;

impl FakeSqs {
    /// Adds a fault, which applies to the requests that follow; returns its id.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use aws_sdk_sqs::error::ProvideErrorMetadata;
    /// use fake_sqs::{Action, ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// sqs.add_fault(Fault::error(ErrorCode::OverLimit).on(Action::ReceiveMessage));
    /// let err = client.receive_message().queue_url(&url).send().await.unwrap_err();
    /// assert_eq!(err.code(), Some("OverLimit"));
    /// # }
    /// ```
    pub fn add_fault(&self, fault: Fault) -> FaultId {
        self.controls().faults().add(fault)
    }

    /// Removes a fault; whether it was there.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let id = sqs.add_fault(Fault::error(ErrorCode::InternalError));
    /// assert!(sqs.remove_fault(id));
    /// assert!(!sqs.remove_fault(id));
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// # }
    /// ```
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.controls().faults().remove(id)
    }

    /// Removes every fault.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.add_fault(Fault::error(ErrorCode::InternalError));
    /// sqs.clear_faults();
    /// assert!(sqs.faults().is_empty());
    /// # }
    /// ```
    pub fn clear_faults(&self) {
        self.controls().faults().clear();
    }

    /// The faults added (and not removed), in the order they were added, with how
    /// often each matched and applied.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use fake_sqs::{FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.add_fault(Fault::latency(Duration::from_millis(1)));
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// assert_eq!(sqs.faults()[0].applied, 1);
    /// # }
    /// ```
    pub fn faults(&self) -> Vec<FaultStatus> {
        self.controls().faults().list()
    }

    /// Sets the chaos of the fake's standard queues from now on, in place of what it
    /// had (the builder's, [`FakeSqsBuilder::chaos`](crate::FakeSqsBuilder::chaos));
    /// [`Chaos::new()`] turns it off. Its random stream starts again from its seed.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), aws_sdk_sqs::Error> {
    /// use fake_sqs::{Chaos, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.set_chaos(Chaos::new().stale_deletes(1.0));
    /// assert_eq!(sqs.chaos().stale_deletes, 1.0);
    /// sqs.set_chaos(Chaos::new());
    /// assert_eq!(sqs.chaos(), Chaos::new());
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_chaos(&self, chaos: Chaos) {
        self.engine().set_chaos(chaos);
    }

    /// The chaos settings in force.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Chaos, FakeSqs};
    ///
    /// let chaos = Chaos::new().duplicates(0.25).seed(1);
    /// let sqs = FakeSqs::builder().chaos(chaos).start().await;
    /// assert_eq!(sqs.chaos(), chaos);
    /// # }
    /// ```
    pub fn chaos(&self) -> Chaos {
        self.engine().chaos()
    }

    /// Every request the fake answered, oldest first (the latest 10,000 of them, within
    /// 64 MiB of request bodies, or as many as
    /// [`FakeSqsBuilder::journal_capacity`](crate::FakeSqsBuilder::journal_capacity)
    /// says): action, protocol, queue, decoded parameters, outcome, and any fault or
    /// chaos applied. [`Requests::by_action`] and [`Requests::by_queue`] narrow it.
    ///
    /// A request is recorded once answered, so a long poll still waiting is not in it
    /// yet. Requests to the Scaleway management API are not SQS requests and are not
    /// recorded.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.send_message().queue_url(&url).message_body("work").send().await.unwrap();
    ///
    /// let actions: Vec<_> = sqs.requests().iter().map(|r| r.action.clone()).collect();
    /// assert_eq!(actions, ["CreateQueue", "SendMessage"]);
    /// assert_eq!(sqs.requests().by_action(Action::SendMessage)[0].params["MessageBody"], "work");
    /// # }
    /// ```
    pub fn requests(&self) -> Requests {
        let base_url = &self.engine().config().base_url;
        self.controls().journal().requests(base_url)
    }

    /// Empties the journal; the requests that follow are numbered from 1 again.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// sqs.clear_requests();
    /// assert!(sqs.requests().is_empty());
    /// # }
    /// ```
    pub fn clear_requests(&self) {
        self.controls().journal().clear();
    }

    /// Expects requests for `action`: at least one, unless narrowed. Chain
    /// [`on_queue`](Expectation::on_queue), [`with_params`](Expectation::with_params)
    /// and [`times`](Expectation::times) / [`at_least`](Expectation::at_least) /
    /// [`at_most`](Expectation::at_most) / [`never`](Expectation::never).
    ///
    /// Expectations are verified when the `FakeSqs` is dropped, which panics with what
    /// each wanted and what came if one is not met (but not while the thread is already
    /// panicking, so that a failing assertion is not buried), or earlier with
    /// [`FakeSqs::verify`]. A request counts once answered, whatever its outcome
    /// (errors, injected faults and the SDK's retries count too). A fake kept in a
    /// `static` is never dropped: call `verify()`.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), aws_sdk_sqs::Error> {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
    /// sqs.expect(Action::DeleteMessage).on_queue(&url).times(3);
    ///
    /// for body in ["a", "b", "c"] {
    ///     client.send_message().queue_url(&url).message_body(body).send().await?;
    /// }
    /// let received = client.receive_message().queue_url(&url).max_number_of_messages(10).send().await?;
    /// for message in received.messages() {
    ///     let handle = message.receipt_handle().unwrap();
    ///     client.delete_message().queue_url(&url).receipt_handle(handle).send().await?;
    /// }
    /// sqs.verify();
    /// # Ok(())
    /// # }
    /// ```
    pub fn expect(&self, action: Action) -> Expectation<'_> {
        let id = self.add_expectation(ExpectationSpec::new(action));
        Expectation { fake: self, id }
    }

    /// Adds an expectation given whole; returns its id.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, ExpectationSpec, FakeSqs, Times};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.add_expectation(ExpectationSpec::new(Action::ListQueues).times(Times::AtMost(1)));
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// # }
    /// ```
    pub fn add_expectation(&self, spec: ExpectationSpec) -> ExpectationId {
        self.controls().expectations().add(spec)
    }

    /// Checks every expectation now.
    ///
    /// # Panics
    /// When one is not met, with the [`Verification`]: each expectation, what it
    /// wanted and what came (the matching requests, and those for the same action that
    /// did not match).
    ///
    /// # Example
    /// ```should_panic
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::PurgeQueue).on_queue("jobs").times(1);
    /// sqs.verify(); // panics: "NOT MET: PurgeQueue on queue \"jobs\": expected exactly 1 request, received 0"
    /// # }
    /// ```
    #[track_caller]
    pub fn verify(&self) {
        let verification = self.verification();
        if !verification.is_met() {
            panic!("{verification}");
        }
    }

    /// Every expectation, checked, without panicking.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::ListQueues).times(1);
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// let verification = sqs.verification();
    /// assert!(verification.is_met());
    /// assert_eq!(verification.expectations[0].received, 1);
    /// # }
    /// ```
    pub fn verification(&self) -> Verification {
        self.controls().expectations().verification()
    }

    /// Removes every expectation, unchecked.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::SendMessage).times(1);
    /// sqs.clear_expectations(); // dropping `sqs` checks nothing now
    /// # }
    /// ```
    pub fn clear_expectations(&self) {
        self.controls().expectations().clear();
    }

    /// What dropping the fake checks: the expectations, unless the thread is already
    /// panicking (a second panic would abort and hide the first).
    pub(crate) fn verify_on_drop(&self) {
        if !std::thread::panicking() {
            self.verify();
        }
    }
}
