//! Who may do what. Every permission check in Tandem goes through [`Role::allows`].

use crate::model::Role;
use crate::Error;

/// Something a staff member may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// See conversations, their messages (including internal notes) and events.
    ViewConversations,
    /// Reply to customers and write internal notes.
    ReplyToConversations,
    /// Assign, change status, priority, team and tags.
    ManageConversations,
    /// See the list of staff members and teams.
    ViewStaff,
    /// Create users, change roles, deactivate, manage teams.
    ManageStaff,
    /// See the bot's content: intents, articles, templates, connectors, texts, canned replies.
    ViewContent,
    /// Change intents, examples, articles, templates and canned replies; test connectors.
    ManageContent,
    /// Change what the bot says in every conversation (disclosure, handoff texts).
    ManageBotTexts,
    /// See insights: automation rate, handoff reasons, queue sizes.
    ViewInsights,
    /// Read the feed of every committed event (`GET /api/v1/events`), as integrations do.
    ReadEventFeed,
    /// Find a customer by e-mail address (to answer their questions about their data).
    LookUpCustomers,
    /// Export or erase everything stored about a customer.
    ManageCustomerData,
    /// Read the audit log.
    ReadAuditLog,
    /// See the model registry, train candidates, promote them through the gate, roll back.
    ManageModels,
    /// Promote a model the gate refused (with a reason).
    ForceModels,
    /// See any staff member's reply scores and coaching profile, and the team's skills.
    CoachAgents,
    /// Certify an agent in a skill, or revoke a certification.
    CertifyAgents,
}

impl Role {
    /// The names of the permissions this role has ([`Permission::name`]).
    pub fn permission_names(self) -> Vec<&'static str> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.allows(*p))
            .map(Permission::name)
            .collect()
    }

    /// Whether this role has the permission.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ViewConversations | ReplyToConversations | ManageConversations | ViewStaff | ViewContent
            | ViewInsights => true,
            ManageStaff | ManageBotTexts | ManageCustomerData => matches!(self, Role::Admin),
            ManageContent | ManageModels => matches!(self, Role::Trainer | Role::Supervisor | Role::Admin),
            ForceModels => matches!(self, Role::Admin),
            CoachAgents | CertifyAgents => matches!(self, Role::Supervisor | Role::Admin),
            ReadEventFeed | LookUpCustomers | ReadAuditLog => matches!(self, Role::Supervisor | Role::Admin),
        }
    }

    /// `Ok` when allowed, otherwise a `forbidden` error that says, in words a staff member
    /// understands, who may do it ([`Permission::refusal`]).
    pub fn require(self, permission: Permission) -> Result<(), Error> {
        if self.allows(permission) {
            Ok(())
        } else {
            Err(Error::Forbidden(permission.refusal().to_owned()))
        }
    }
}

impl Permission {
    /// Every permission, in the order of the enum.
    pub const ALL: [Permission; 17] = {
        use Permission::*;
        [
            ViewConversations,
            ReplyToConversations,
            ManageConversations,
            ViewStaff,
            ManageStaff,
            ViewContent,
            ManageContent,
            ManageBotTexts,
            ViewInsights,
            ReadEventFeed,
            LookUpCustomers,
            ManageCustomerData,
            ReadAuditLog,
            ManageModels,
            ForceModels,
            CoachAgents,
            CertifyAgents,
        ]
    };

    /// The permission's name as the API says it (`manage_content`): what the web UI reads to
    /// show only the forms a staff member can use.
    pub fn name(self) -> &'static str {
        use Permission::*;
        match self {
            ViewConversations => "view_conversations",
            ReplyToConversations => "reply_to_conversations",
            ManageConversations => "manage_conversations",
            ViewStaff => "view_staff",
            ManageStaff => "manage_staff",
            ViewContent => "view_content",
            ManageContent => "manage_content",
            ManageBotTexts => "manage_bot_texts",
            ViewInsights => "view_insights",
            ReadEventFeed => "read_event_feed",
            LookUpCustomers => "look_up_customers",
            ManageCustomerData => "manage_customer_data",
            ReadAuditLog => "read_audit_log",
            ManageModels => "manage_models",
            ForceModels => "force_models",
            CoachAgents => "coach_agents",
            CertifyAgents => "certify_agents",
        }
    }

    /// The sentence shown to someone whose role lacks this permission: what it is about and who
    /// may do it (never the permission's name in code).
    pub fn refusal(self) -> &'static str {
        use Permission::*;
        match self {
            ViewConversations => "Your role cannot read conversations.",
            ReplyToConversations => "Your role cannot write to customers or add notes.",
            ManageConversations => "Your role cannot assign, tag or resolve conversations.",
            ViewStaff => "Your role cannot see the staff list.",
            ManageStaff => "Only admins can manage staff accounts and teams.",
            ViewContent => "Your role cannot see the bot's content.",
            ManageContent => {
                "Only trainers, supervisors and admins can change the bot's intents, articles, templates and canned replies."
            }
            ManageBotTexts => "Only admins can change what the bot says about itself.",
            ViewInsights => "Your role cannot see insights.",
            ReadEventFeed => "Only supervisors and admins can read the event feed.",
            LookUpCustomers => "Only supervisors and admins can look up customers.",
            ManageCustomerData => "Only admins can export or erase a customer's data.",
            ReadAuditLog => "Only supervisors and admins can read the audit log.",
            ManageModels => "Only trainers, supervisors and admins can see, train, promote and roll back the bot's models.",
            ForceModels => "Only admins can promote a model the promotion check refused.",
            CoachAgents => "Only supervisors and admins can see another agent's scores and coaching.",
            CertifyAgents => "Only supervisors and admins can certify agents or revoke a certification.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_has_one_name_and_roles_list_theirs() {
        let names: std::collections::BTreeSet<_> = Permission::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(names.len(), Permission::ALL.len());
        assert!(Role::Agent.permission_names().contains(&"reply_to_conversations"));
        assert!(!Role::Agent.permission_names().contains(&"manage_content"));
        assert_eq!(Role::Admin.permission_names().len(), Permission::ALL.len());
    }

    #[test]
    fn only_admins_manage_staff() {
        assert!(Role::Admin.allows(Permission::ManageStaff));
        for role in [Role::Agent, Role::Trainer, Role::Supervisor] {
            assert!(!role.allows(Permission::ManageStaff));
            assert!(role.allows(Permission::ReplyToConversations));
            let refused = role.require(Permission::ManageStaff).unwrap_err();
            assert_eq!(refused.code(), "forbidden");
            // A sentence a person understands, not the permission's name in code.
            assert_eq!(
                refused.to_string(),
                "Only admins can manage staff accounts and teams."
            );
        }
    }

    #[test]
    fn content_permissions_follow_the_roles() {
        for role in [Role::Agent, Role::Trainer, Role::Supervisor, Role::Admin] {
            assert!(role.allows(Permission::ViewContent), "{role}");
            assert!(role.allows(Permission::ViewInsights), "{role}");
        }
        assert!(!Role::Agent.allows(Permission::ManageContent));
        for role in [Role::Trainer, Role::Supervisor, Role::Admin] {
            assert!(role.allows(Permission::ManageContent), "{role}");
        }
        assert!(Role::Admin.allows(Permission::ManageBotTexts));
        for role in [Role::Agent, Role::Trainer, Role::Supervisor] {
            assert!(!role.allows(Permission::ManageBotTexts), "{role}");
        }
    }

    #[test]
    fn trainers_manage_models_and_only_admins_force_them() {
        for (role, manage, force) in [
            (Role::Agent, false, false),
            (Role::Trainer, true, false),
            (Role::Supervisor, true, false),
            (Role::Admin, true, true),
        ] {
            assert_eq!(role.allows(Permission::ManageModels), manage, "{role}");
            assert_eq!(role.allows(Permission::ForceModels), force, "{role}");
        }
        assert_eq!(
            Role::Trainer
                .require(Permission::ForceModels)
                .unwrap_err()
                .to_string(),
            "Only admins can promote a model the promotion check refused."
        );
    }

    #[test]
    fn supervisors_and_admins_read_the_event_feed() {
        for (role, allowed) in [
            (Role::Agent, false),
            (Role::Trainer, false),
            (Role::Supervisor, true),
            (Role::Admin, true),
        ] {
            assert_eq!(role.allows(Permission::ReadEventFeed), allowed, "{role}");
        }
    }
}
