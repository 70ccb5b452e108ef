//! Table-driven cases for the offline IAM evaluator. Each case cites the AWS documentation
//! (IAM User Guide) semantics it checks.

use lambda_trust_iam::{
    evaluate, Decision, Effect, EvalInput, LabeledPolicy, Policy, Request, StatementRef,
};

const GENESYS: &str = "765628985471";
const EXTERNAL_ID: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ROLE: &str = "arn:aws:iam::123456789012:role/genesys-lambda";
const APP: &str = "arn:aws:iam::123456789012:role/app";
const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}}}]}"#;

/// A 2012-10-17 policy with the given statements (JSON objects, comma-separated).
fn p(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

/// `{"Effect":"Allow","Action":…,"Resource":…}` plus optional extra members.
fn allow(action: &str, resource: &str, extra: &str) -> String {
    stmt("Allow", action, resource, extra)
}

fn deny(action: &str, resource: &str, extra: &str) -> String {
    stmt("Deny", action, resource, extra)
}

fn stmt(effect: &str, action: &str, resource: &str, extra: &str) -> String {
    let sep = if extra.is_empty() { "" } else { "," };
    format!(r#"{{"Effect":"{effect}","Action":"{action}","Resource":"{resource}"{sep}{extra}}}"#)
}

/// An identity policy allowing lambda:InvokeFunction on FN when `cond` (a Condition object) holds.
fn allow_if(cond: &str) -> String {
    p(&allow(
        "lambda:InvokeFunction",
        FN,
        &format!(r#""Condition":{cond}"#),
    ))
}

#[derive(Clone, Debug)]
struct Case {
    name: &'static str,
    identity: Vec<String>,
    resource_policy: Option<String>,
    trust: bool,
    boundary: Option<String>,
    principal: String,
    action: String,
    resource: String,
    context: Vec<(String, String)>,
    expect: Decision,
}

impl Case {
    fn base(name: &'static str) -> Case {
        Case {
            name,
            identity: Vec::new(),
            resource_policy: None,
            trust: false,
            boundary: None,
            principal: APP.to_owned(),
            action: "lambda:InvokeFunction".to_owned(),
            resource: FN.to_owned(),
            context: Vec::new(),
            expect: Decision::ImplicitDeny,
        }
    }

    /// AssumeRole on ROLE judged by a trust policy; the caller's identity policies are unknown.
    fn trust(name: &'static str, policy: &str) -> Case {
        Case {
            resource_policy: Some(policy.to_owned()),
            trust: true,
            action: "sts:AssumeRole".to_owned(),
            resource: ROLE.to_owned(),
            principal: format!("arn:aws:iam::{GENESYS}:root"),
            ..Case::base(name)
        }
    }

    fn identity(name: &'static str, policies: &[&str]) -> Case {
        Case {
            identity: policies.iter().map(|s| s.to_string()).collect(),
            ..Case::base(name)
        }
    }

    fn with_resource_policy(mut self, policy: &str) -> Case {
        self.resource_policy = Some(policy.to_owned());
        self
    }

    fn with_identity(mut self, policy: &str) -> Case {
        self.identity.push(policy.to_owned());
        self
    }

    fn boundary(mut self, policy: &str) -> Case {
        self.boundary = Some(policy.to_owned());
        self
    }

    fn principal(mut self, principal: &str) -> Case {
        self.principal = principal.to_owned();
        self
    }

    fn action(mut self, action: &str) -> Case {
        self.action = action.to_owned();
        self
    }

    fn resource(mut self, resource: &str) -> Case {
        self.resource = resource.to_owned();
        self
    }

    fn ctx(mut self, key: &str, value: &str) -> Case {
        self.context.push((key.to_owned(), value.to_owned()));
        self
    }

    fn external_id(self, value: &str) -> Case {
        self.ctx("sts:ExternalId", value)
    }

    fn expect(mut self, decision: Decision) -> Case {
        self.expect = decision;
        self
    }

    fn run(&self) -> Result<lambda_trust_iam::Evaluation, String> {
        let parse = |label: &str, text: &str| {
            text.parse::<Policy>()
                .map(|policy| LabeledPolicy::new(label, policy))
                .map_err(|e| format!("{}: {label} does not parse: {e}", self.name))
        };
        let input = EvalInput {
            identity_policies: self
                .identity
                .iter()
                .enumerate()
                .map(|(i, t)| parse(&format!("identity policy {i}"), t))
                .collect::<Result<_, _>>()?,
            resource_policy: match &self.resource_policy {
                Some(t) if self.trust => Some(parse("trust policy", t)?),
                Some(t) => Some(parse("resource policy", t)?),
                None => None,
            },
            resource_policy_is_trust: self.trust,
            boundary: match &self.boundary {
                Some(t) => Some(parse("permissions boundary", t)?),
                None => None,
            },
        };
        let mut request = Request::new(&self.principal, &self.action, &self.resource);
        for (k, v) in &self.context {
            request = request.with_context(k, v);
        }
        Ok(evaluate(&input, &request))
    }
}

use Decision::{Allow, ExplicitDeny, ImplicitDeny, Malformed};

fn cases() -> Vec<Case> {
    let session = format!("arn:aws:sts::{GENESYS}:assumed-role/SomeRole/sess");
    let invoke = p(&allow("lambda:InvokeFunction", FN, ""));
    vec![
        // ---- The product: the Genesys trust policy -------------------------------------------
        // "Principal": an account principal (…:root) matches every principal of that account, root included.
        Case::trust("genesys root, right external id", TRUST).external_id(EXTERNAL_ID).expect(Allow),
        // "Principal": an account principal matches the account's role sessions.
        Case::trust("genesys role session, right external id", TRUST).principal(&session).external_id(EXTERNAL_ID).expect(Allow),
        // "Principal": an account principal matches the account's IAM users.
        Case::trust("genesys iam user, right external id", TRUST).principal("arn:aws:iam::765628985471:user/ops/alice").external_id(EXTERNAL_ID).expect(Allow),
        // "Condition operators": StringEquals is an exact match.
        Case::trust("wrong external id", TRUST).external_id("11111111-2222-3333-4444-555555555555").expect(ImplicitDeny),
        // "Condition operators": StringEquals is case-sensitive.
        Case::trust("external id in upper case", TRUST).external_id(&EXTERNAL_ID.to_uppercase()).expect(ImplicitDeny),
        // "Condition operators": a key missing from the request context makes the condition false.
        Case::trust("missing external id", TRUST).expect(ImplicitDeny),
        // "Condition operators": an empty value is a present value that does not match.
        Case::trust("empty external id", TRUST).external_id("").expect(ImplicitDeny),
        // "Principal": an account principal does not match principals of another account.
        Case::trust("another account root", TRUST).principal("arn:aws:iam::111122223333:root").external_id(EXTERNAL_ID).expect(ImplicitDeny),
        // "Principal": …nor another account's role sessions.
        Case::trust("another account session", TRUST).principal("arn:aws:sts::111122223333:assumed-role/SomeRole/sess").external_id(EXTERNAL_ID).expect(ImplicitDeny),
        // "Principal": anonymous callers match only "*"; "Policy evaluation logic": a trust policy must explicitly allow.
        Case::trust("anonymous caller", TRUST).principal("*").external_id(EXTERNAL_ID).expect(ImplicitDeny),
        // "Action": action names are case-insensitive.
        Case::trust("action in lower case", TRUST).action("sts:assumerole").external_id(EXTERNAL_ID).expect(Allow),
        // "Action": the service prefix is case-insensitive too.
        Case::trust("action in upper case", TRUST).action("STS:ASSUMEROLE").external_id(EXTERNAL_ID).expect(Allow),
        // "Action": only the listed action is allowed, not its siblings.
        Case::trust("other sts action", TRUST).action("sts:AssumeRoleWithWebIdentity").external_id(EXTERNAL_ID).expect(ImplicitDeny),
        // "Action": sts:TagSession needs its own grant.
        Case::trust("tag session not granted", TRUST).action("sts:TagSession").external_id(EXTERNAL_ID).expect(ImplicitDeny),
        // "Condition": context key names are case-insensitive.
        Case::trust("context key in other case", TRUST).ctx("STS:EXTERNALID", EXTERNAL_ID).expect(Allow),
        // "Principal": a partition is part of the account ARN.
        Case::trust("same account id in another partition", TRUST).principal("arn:aws-us-gov:iam::765628985471:root").external_id(EXTERNAL_ID).expect(ImplicitDeny),
        // "Single-valued vs multivalued context keys": sts:ExternalId is single-valued, so a request giving it two values does not exist: refused as malformed, not evaluated.
        Case::trust("external id given twice, one right", TRUST).external_id("wrong").external_id(EXTERNAL_ID).expect(Malformed),
        // The same for aws:SourceIp (single-valued), even when neither value matters.
        Case::trust("source ip given twice", TRUST).external_id(EXTERNAL_ID).ctx("aws:SourceIp", "10.0.0.1").ctx("aws:SourceIp", "10.0.0.2").expect(Malformed),
        // A multivalued key (aws:TagKeys) may carry several values.
        Case::trust("tag keys given twice", TRUST).external_id(EXTERNAL_ID).ctx("aws:TagKeys", "a").ctx("aws:TagKeys", "b").expect(Allow),
        // "Principal": a bare account ID is the same as the account's root ARN.
        Case::trust("bare account id principal", &p(r#"{"Effect":"Allow","Principal":{"AWS":"765628985471"},"Action":"sts:AssumeRole"}"#)).principal(&session).expect(Allow),
        // "Principal": a role principal matches sessions of that role.
        Case::trust("role principal, session of that role", &p(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:role/SomeRole"},"Action":"sts:AssumeRole"}"#)).principal(&session).expect(Allow),
        // "Principal": a role principal does not match sessions of another role.
        Case::trust("role principal, session of another role", &p(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:role/Other"},"Action":"sts:AssumeRole"}"#)).principal(&session).expect(ImplicitDeny),
        // "Principal": a role principal does not match the account root.
        Case::trust("role principal, account root", &p(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:role/SomeRole"},"Action":"sts:AssumeRole"}"#)).expect(ImplicitDeny),
        // "Principal": a role with a path still matches its sessions (sessions carry no path).
        Case::trust("role principal with path", &p(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:role/team/SomeRole"},"Action":"sts:AssumeRole"}"#)).principal(&session).expect(Allow),
        // "Principal": a role-session principal matches only that session.
        Case::trust("session principal, other session", &p(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::765628985471:assumed-role/SomeRole/other"},"Action":"sts:AssumeRole"}"#)).principal(&session).expect(ImplicitDeny),
        // "Principal": a role-session principal matches that exact session.
        Case::trust("session principal, same session", &p(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::765628985471:assumed-role/SomeRole/sess"},"Action":"sts:AssumeRole"}"#)).principal(&session).expect(Allow),
        // "Principal": {"AWS":"*"} is everyone, anonymous included.
        Case::trust("aws star admits anonymous", &p(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}"#)).principal("*").expect(Allow),
        // "Principal": "*" is everyone, anonymous included.
        Case::trust("star admits anonymous", &p(r#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}"#)).principal("*").expect(Allow),
        // "Principal": service principals are matched by name.
        Case::trust("service principal", &p(r#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}"#)).principal("lambda.amazonaws.com").expect(Allow),
        // "Principal": a service principal does not admit an AWS account.
        Case::trust("service principal, account caller", &p(r#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}"#)).expect(ImplicitDeny),
        // "Principal": federated (web identity) principals are matched by provider name.
        Case::trust("federated principal", &p(r#"{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}"#)).principal("cognito-identity.amazonaws.com").action("sts:AssumeRoleWithWebIdentity").expect(Allow),
        // "Policy evaluation logic": a resource-based statement must name the principal; one without Principal grants nobody.
        Case::trust("trust statement without principal", &p(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#)).expect(ImplicitDeny),
        // "Condition operators": StringNotEquals is true when the key is missing, so this Deny applies.
        Case::trust("deny without external id", &p(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{GENESYS}"}},"Action":"sts:AssumeRole"}},{{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{{"StringNotEquals":{{"sts:ExternalId":"{EXTERNAL_ID}"}}}}}}"#))).expect(ExplicitDeny),
        // "Policy evaluation logic" (cross-account): the caller's identity policy must allow as well as the trust policy.
        Case::trust("caller identity policy allows", TRUST).external_id(EXTERNAL_ID).with_identity(&p(&allow("sts:AssumeRole", ROLE, ""))).expect(Allow),
        // "Policy evaluation logic" (cross-account): without an identity Allow on the caller's side the request is denied.
        Case::trust("caller identity policy does not allow", TRUST).external_id(EXTERNAL_ID).with_identity(&p(&allow("s3:GetObject", "*", ""))).expect(ImplicitDeny),
        // "Policy evaluation logic": a Deny in the caller's identity policy overrides the trust policy's Allow.
        Case::trust("caller identity policy denies", TRUST).external_id(EXTERNAL_ID).with_identity(&p(&deny("sts:*", "*", ""))).expect(ExplicitDeny),
        // "AWS global condition context keys": for a role session aws:PrincipalArn is the role's ARN.
        Case::trust("principal arn condition", &p(r#"{"Effect":"Allow","Principal":{"AWS":"765628985471"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::765628985471:role/Some*"}}}"#)).principal(&session).expect(Allow),
        // "AWS global condition context keys": …so a condition on the session ARN does not match.
        Case::trust("principal arn is not the session arn", &p(r#"{"Effect":"Allow","Principal":{"AWS":"765628985471"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:sts::765628985471:assumed-role/*"}}}"#)).principal(&session).expect(ImplicitDeny),

        // ---- Policy evaluation logic -----------------------------------------------------
        // "Policy evaluation logic": requests are implicitly denied unless allowed.
        Case::identity("nothing matches", &[&p(&allow("s3:GetObject", "*", ""))]).expect(ImplicitDeny),
        // "Policy evaluation logic": no policies at all is an implicit deny.
        Case::identity("no policies", &[]).expect(ImplicitDeny),
        // "Policy evaluation logic": an identity-based Allow grants.
        Case::identity("plain allow", &[&invoke]).expect(Allow),
        // "Policy evaluation logic": an explicit deny overrides an allow in the same policy.
        Case::identity("deny overrides allow in one policy", &[&p(&format!("{},{}", allow("lambda:*", "*", ""), deny("lambda:InvokeFunction", FN, "")))]).expect(ExplicitDeny),
        // "Policy evaluation logic": an explicit deny in any policy overrides an allow in another.
        Case::identity("deny in another policy", &[&invoke, &p(&deny("*", "*", ""))]).expect(ExplicitDeny),
        // "Policy evaluation logic": a Deny whose condition is false does not apply.
        Case::identity("deny with false condition", &[&invoke, &p(&deny("*", "*", r#""Condition":{"Bool":{"aws:SecureTransport":"false"}}"#))]).ctx("aws:SecureTransport", "true").expect(Allow),
        // "NotAction": allows every action except those listed.
        Case::identity("notaction allows others", &[&p(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#)]).expect(Allow),
        // "NotAction": the listed actions are not allowed by that statement.
        Case::identity("notaction excludes listed", &[&p(r#"{"Effect":"Allow","NotAction":"lambda:Invoke*","Resource":"*"}"#)]).expect(ImplicitDeny),
        // "NotResource": a Deny with NotResource spares the listed resource.
        Case::identity("notresource deny spares listed", &[&invoke, &p(&format!(r#"{{"Effect":"Deny","Action":"*","NotResource":"{FN}"}}"#))]).expect(Allow),
        // "NotResource": …and denies every other resource.
        Case::identity("notresource deny hits others", &[&p(&allow("*", "*", "")), &p(&format!(r#"{{"Effect":"Deny","Action":"*","NotResource":"{FN}"}}"#))]).resource("arn:aws:lambda:us-east-1:123456789012:function:g").expect(ExplicitDeny),
        // "Action": `*` matches any run of characters in an action name.
        Case::identity("action prefix wildcard", &[&p(&allow("lambda:Invoke*", FN, ""))]).expect(Allow),
        // "Action": service wildcard, case-insensitive.
        Case::identity("service wildcard any case", &[&p(&allow("lambda:*", FN, ""))]).action("LAMBDA:InvokeFunction").expect(Allow),
        // "Action": "*" is every action.
        Case::identity("action star", &[&p(&allow("*", FN, ""))]).expect(Allow),
        // "Action": `?` matches exactly one character.
        Case::identity("action question mark", &[&p(&allow("lambda:?nvokeFunction", FN, ""))]).expect(Allow),
        // "Action": without a wildcard an action name must match in full.
        Case::identity("action prefix without wildcard", &[&p(&allow("lambda:Invoke", FN, ""))]).expect(ImplicitDeny),
        // "Resource": ARNs are case-sensitive.
        Case::identity("resource case-sensitive", &[&p(&allow("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:F", ""))]).expect(ImplicitDeny),
        // "Resource" (Lambda): an unqualified function ARN does not cover an alias.
        Case::identity("unqualified arn does not cover alias", &[&invoke]).resource("arn:aws:lambda:us-east-1:123456789012:function:f:live").expect(ImplicitDeny),
        // "Resource": `f:*` covers every qualifier.
        Case::identity("qualifier wildcard covers alias", &[&p(&allow("lambda:InvokeFunction", &format!("{FN}:*"), ""))]).resource("arn:aws:lambda:us-east-1:123456789012:function:f:live").expect(Allow),
        // "Resource": `function:f*` also matches other functions (the trap docs/aws-behaviour.md warns of).
        Case::identity("name prefix wildcard matches other function", &[&p(&allow("lambda:InvokeFunction", &format!("{FN}*"), ""))]).resource("arn:aws:lambda:us-east-1:123456789012:function:f-other").expect(Allow),
        // "Resource": "*" is every resource.
        Case::identity("resource star", &[&p(&allow("lambda:InvokeFunction", "*", ""))]).expect(Allow),
        // "Condition operators" (ARN): each ARN component is matched separately.
        Case::identity("region wildcard", &[&p(&allow("lambda:InvokeFunction", "arn:aws:lambda:*:123456789012:function:f", ""))]).expect(Allow),
        // "Condition operators" (ARN): a wildcard in one component does not cross a colon.
        Case::identity("wildcard does not span components", &[&p(&allow("lambda:InvokeFunction", "arn:aws:lambda:*:function:f", ""))]).expect(ImplicitDeny),
        // "Permissions boundaries" (in "Policy evaluation logic"): allowed by identity and boundary.
        Case::identity("boundary and identity allow", &[&invoke]).boundary(&p(&allow("lambda:*", "*", ""))).expect(Allow),
        // "Permissions boundaries": an identity Allow outside the boundary is implicitly denied.
        Case::identity("boundary does not allow", &[&invoke]).boundary(&p(&allow("s3:*", "*", ""))).expect(ImplicitDeny),
        // "Permissions boundaries": a boundary alone grants nothing.
        Case::identity("boundary alone grants nothing", &[]).boundary(&p(&allow("*", "*", ""))).expect(ImplicitDeny),
        // "Permissions boundaries": an explicit Deny in the boundary denies.
        Case::identity("boundary deny", &[&invoke]).boundary(&p(&format!("{},{}", allow("*", "*", ""), deny("lambda:*", "*", "")))).expect(ExplicitDeny),
        // "Policy evaluation logic" (single account): a resource-based Allow suffices without an identity Allow.
        Case::identity("resource policy alone allows", &[]).with_resource_policy(&p(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{APP}"}},"Action":"lambda:InvokeFunction","Resource":"{FN}"}}"#))).expect(Allow),
        // "Policy evaluation logic" (single account): a resource policy naming another principal grants nothing.
        Case::identity("resource policy names someone else", &[]).with_resource_policy(&p(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:role/other"}},"Action":"lambda:InvokeFunction","Resource":"{FN}"}}"#))).expect(ImplicitDeny),
        // "Policy evaluation logic": a resource-policy Deny overrides an identity Allow.
        Case::identity("resource policy deny", &[&invoke]).with_resource_policy(&p(&format!(r#"{{"Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"{FN}"}}"#))).expect(ExplicitDeny),
        // "NotPrincipal": AWS checks account, then role, then session; listing only the role still denies its sessions.
        Case::identity("notprincipal without account denies session", &[&invoke]).with_resource_policy(&p(&format!(r#"{{"Effect":"Deny","NotPrincipal":{{"AWS":"{APP}"}},"Action":"*","Resource":"*"}}"#))).principal("arn:aws:sts::123456789012:assumed-role/app/s1").expect(ExplicitDeny),
        // "NotPrincipal": listing the account and the role spares the role's sessions.
        Case::identity("notprincipal with account and role", &[&invoke]).with_resource_policy(&p(&format!(r#"{{"Effect":"Deny","NotPrincipal":{{"AWS":["{APP}","arn:aws:iam::123456789012:root"]}},"Action":"*","Resource":"*"}}"#))).principal("arn:aws:sts::123456789012:assumed-role/app/s1").expect(Allow),
        // "NotPrincipal": principals not listed are denied.
        Case::identity("notprincipal denies others", &[&invoke]).with_resource_policy(&p(r#"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"*","Resource":"*"}"#)).expect(ExplicitDeny),
        // "NotPrincipal": anonymous callers are never in the list.
        Case::identity("notprincipal denies anonymous", &[]).with_resource_policy(&p(r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}"#)).principal("*").expect(ExplicitDeny),

        // ---- Condition operators --------------------------------------------------------
        // "Condition operators": StringEquals is case-sensitive.
        Case::identity("string equals case", &[&allow_if(r#"{"StringEquals":{"aws:PrincipalTag/team":"Ops"}}"#)]).ctx("aws:PrincipalTag/team", "ops").expect(ImplicitDeny),
        // "Condition operators": StringEqualsIgnoreCase ignores case.
        Case::identity("string equals ignore case", &[&allow_if(r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"Ops"}}"#)]).ctx("aws:PrincipalTag/team", "ops").expect(Allow),
        // "Condition operators": StringNotEqualsIgnoreCase matching in another case is false.
        Case::identity("string not equals ignore case", &[&allow_if(r#"{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"Ops"}}"#)]).ctx("aws:PrincipalTag/team", "OPS").expect(ImplicitDeny),
        // "Condition operators": a negated operator is true when the key is missing.
        Case::identity("string not equals missing key", &[&allow_if(r#"{"StringNotEquals":{"aws:PrincipalTag/team":"ops"}}"#)]).expect(Allow),
        // "Conditions with multiple context keys or values": negated operators NOR their values.
        Case::identity("string not equals hits one value", &[&allow_if(r#"{"StringNotEquals":{"aws:PrincipalTag/team":["dev","ops"]}}"#)]).ctx("aws:PrincipalTag/team", "ops").expect(ImplicitDeny),
        // "Conditions with multiple context keys or values": NOR is true when no value matches.
        Case::identity("string not equals hits none", &[&allow_if(r#"{"StringNotEquals":{"aws:PrincipalTag/team":["dev","ops"]}}"#)]).ctx("aws:PrincipalTag/team", "qa").expect(Allow),
        // "Condition operators": StringLike supports `*`.
        Case::identity("string like", &[&allow_if(r#"{"StringLike":{"s3:prefix":"home/*"}}"#)]).ctx("s3:prefix", "home/bob/x").expect(Allow),
        // "Condition operators": StringLike is case-sensitive.
        Case::identity("string like case", &[&allow_if(r#"{"StringLike":{"s3:prefix":"home/*"}}"#)]).ctx("s3:prefix", "HOME/bob").expect(ImplicitDeny),
        // "Condition operators": StringNotLike is true when the key is missing.
        Case::identity("string not like missing key", &[&allow_if(r#"{"StringNotLike":{"s3:prefix":"secret/*"}}"#)]).expect(Allow),
        // "Condition operators" (…IfExists): a missing key makes the condition true.
        Case::identity("if exists missing key", &[&allow_if(r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"ops"}}"#)]).expect(Allow),
        // "Condition operators" (…IfExists): a present key is checked normally.
        Case::identity("if exists present mismatch", &[&allow_if(r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"ops"}}"#)]).ctx("aws:PrincipalTag/team", "dev").expect(ImplicitDeny),
        // "Condition operators": a missing key makes a plain operator false.
        Case::identity("string equals missing key", &[&allow_if(r#"{"StringEquals":{"aws:PrincipalTag/team":"ops"}}"#)]).expect(ImplicitDeny),
        // "Condition operators" (Null): true tests that the key is absent.
        Case::identity("null true, key absent", &[&allow_if(r#"{"Null":{"aws:TokenIssueTime":"true"}}"#)]).expect(Allow),
        // "Condition operators" (Null): false tests that the key is present.
        Case::identity("null false, key absent", &[&allow_if(r#"{"Null":{"aws:TokenIssueTime":"false"}}"#)]).expect(ImplicitDeny),
        // "Condition operators" (Null): false with the key present.
        Case::identity("null false, key present", &[&allow_if(r#"{"Null":{"aws:TokenIssueTime":false}}"#)]).ctx("aws:TokenIssueTime", "2024-01-01T00:00:00Z").expect(Allow),
        // "Condition operators" (Bool): a JSON boolean equals the request's "true".
        Case::identity("bool true", &[&allow_if(r#"{"Bool":{"aws:SecureTransport":true}}"#)]).ctx("aws:SecureTransport", "true").expect(Allow),
        // "Condition operators" (Bool): false does not match true.
        Case::identity("bool mismatch", &[&allow_if(r#"{"Bool":{"aws:SecureTransport":"false"}}"#)]).ctx("aws:SecureTransport", "true").expect(ImplicitDeny),
        // "Condition operators" (Numeric): less-than on numbers.
        Case::identity("numeric less than", &[&allow_if(r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#)]).ctx("s3:max-keys", "9").expect(Allow),
        // "Condition operators" (Numeric): compared as numbers, not strings ("10" > "9").
        Case::identity("numeric not lexical", &[&allow_if(r#"{"NumericGreaterThan":{"s3:max-keys":9}}"#)]).ctx("s3:max-keys", "10").expect(Allow),
        // "Condition operators" (Numeric): a value that is not a number does not match.
        Case::identity("numeric unparseable", &[&allow_if(r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#)]).ctx("s3:max-keys", "ten").expect(ImplicitDeny),
        // "Condition operators": NumericNotEquals is a negated operator, true on a missing key.
        Case::identity("numeric not equals missing", &[&allow_if(r#"{"NumericNotEquals":{"s3:max-keys":"10"}}"#)]).expect(Allow),
        // "Condition operators" (Date): ISO 8601 compared with epoch seconds.
        Case::identity("date greater than epoch", &[&allow_if(r#"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#)]).ctx("aws:CurrentTime", "1735689600").expect(Allow),
        // "Condition operators" (Date): later dates are not less-than.
        Case::identity("date less than fails", &[&allow_if(r#"{"DateLessThan":{"aws:CurrentTime":"2024-01-01"}}"#)]).ctx("aws:CurrentTime", "2025-06-01T12:00:00Z").expect(ImplicitDeny),
        // "Condition operators" (Date): equal instants in different offsets are equal.
        Case::identity("date equals across offsets", &[&allow_if(r#"{"DateEquals":{"aws:CurrentTime":"2024-01-01T01:00:00+01:00"}}"#)]).ctx("aws:CurrentTime", "2024-01-01T00:00:00Z").expect(Allow),
        // "Condition operators" (IP address): CIDR containment.
        Case::identity("ip in cidr", &[&allow_if(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#)]).ctx("aws:SourceIp", "203.0.113.9").expect(Allow),
        // "Condition operators" (IP address): NotIpAddress is false inside the range.
        Case::identity("not ip address inside", &[&allow_if(r#"{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#)]).ctx("aws:SourceIp", "2001:db8::5").expect(ImplicitDeny),
        // "Condition operators": NotIpAddress is negated, true on a missing key.
        Case::identity("not ip address missing", &[&allow_if(r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#)]).expect(Allow),
        // "Condition operators" (ARN): ArnLike per component.
        Case::identity("arn like", &[&allow_if(r#"{"ArnLike":{"aws:SourceArn":"arn:aws:events:*:123456789012:rule/*"}}"#)]).ctx("aws:SourceArn", "arn:aws:events:eu-west-1:123456789012:rule/nightly").expect(Allow),
        // "Condition operators" (ARN): ArnEquals behaves like ArnLike, wildcards included.
        Case::identity("arn equals with wildcard", &[&allow_if(r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:events:*:123456789012:rule/*"}}"#)]).ctx("aws:SourceArn", "arn:aws:events:eu-west-1:123456789012:rule/nightly").expect(Allow),
        // "Condition operators" (ARN): ArnNotEquals is negated, true on a missing key.
        Case::identity("arn not equals missing", &[&allow_if(r#"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/x"}}"#)]).expect(Allow),
        // "Condition operators" (ARN): ArnNotLike false when the ARN matches.
        Case::identity("arn not like matches", &[&allow_if(r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:events:*:*:rule/*"}}"#)]).ctx("aws:SourceArn", "arn:aws:events:eu-west-1:123456789012:rule/nightly").expect(ImplicitDeny),
        // "Condition operators" (Binary): base64 value compared as bytes.
        Case::identity("binary equals", &[&allow_if(r#"{"BinaryEquals":{"custom:blob":"QmluYXJ5VmFsdWU="}}"#)]).ctx("custom:blob", "QmluYXJ5VmFsdWU=").expect(Allow),
        // "Single-valued vs multivalued context keys" (ForAnyValue): one request value in the set suffices.
        Case::identity("for any value hits", &[&allow_if(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}"#)]).ctx("aws:TagKeys", "owner").ctx("aws:TagKeys", "team").expect(Allow),
        // "Single-valued vs multivalued context keys" (ForAnyValue): false when the key is missing.
        Case::identity("for any value missing", &[&allow_if(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}"#)]).expect(ImplicitDeny),
        // "Single-valued vs multivalued context keys" (ForAllValues): every request value must be in the set.
        Case::identity("for all values subset", &[&allow_if(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#)]).ctx("aws:TagKeys", "env").ctx("aws:TagKeys", "team").expect(Allow),
        // "Single-valued vs multivalued context keys" (ForAllValues): one value outside the set fails.
        Case::identity("for all values outside", &[&allow_if(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#)]).ctx("aws:TagKeys", "env").ctx("aws:TagKeys", "cost").expect(ImplicitDeny),
        // "Single-valued vs multivalued context keys" (ForAllValues): true when the key is missing.
        Case::identity("for all values missing", &[&allow_if(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#)]).expect(Allow),
        // "Multivalued context key examples": ForAllValues:StringNotLike Deny matches when no key is present.
        Case::identity("for all values not like deny, absent", &[&invoke, &p(&deny("lambda:*", "*", r#""Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#))]).expect(ExplicitDeny),
        // "Multivalued context key examples": …and does not match when every key has the prefix.
        Case::identity("for all values not like deny, all prefixed", &[&invoke, &p(&deny("lambda:*", "*", r#""Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#))]).ctx("aws:TagKeys", "key1:hr").ctx("aws:TagKeys", "key1:legal").expect(Allow),
        // "Conditions with multiple context keys or values": keys under one operator AND together.
        Case::identity("two keys and", &[&allow_if(r#"{"StringEquals":{"aws:PrincipalTag/team":"ops","aws:RequestedRegion":"us-east-1"}}"#)]).ctx("aws:PrincipalTag/team", "ops").ctx("aws:RequestedRegion", "eu-west-1").expect(ImplicitDeny),
        // "Conditions with multiple context keys or values": operators AND together.
        Case::identity("two operators and", &[&allow_if(r#"{"StringEquals":{"aws:PrincipalTag/team":"ops"},"Bool":{"aws:SecureTransport":"true"}}"#)]).ctx("aws:PrincipalTag/team", "ops").ctx("aws:SecureTransport", "true").expect(Allow),
        // "Conditions with multiple context keys or values": values of one key OR together.
        Case::identity("values or", &[&allow_if(r#"{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}"#)]).ctx("aws:RequestedRegion", "eu-west-1").expect(Allow),
        // "Condition": condition key names are case-insensitive in the policy too.
        Case::identity("policy key name case", &[&allow_if(r#"{"StringEquals":{"AWS:REQUESTEDREGION":"us-east-1"}}"#)]).ctx("aws:RequestedRegion", "us-east-1").expect(Allow),

        // ---- Policy variables ---------------------------------------------------------
        // "Policy variables": ${aws:username} resolves to the IAM user's name in Resource.
        Case::identity("username in resource", &[&p(&allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*", ""))]).principal("arn:aws:iam::123456789012:user/bob").action("s3:GetObject").resource("arn:aws:s3:::bucket/home/bob/notes.txt").expect(Allow),
        // "Policy variables": another user's folder does not match.
        Case::identity("username other folder", &[&p(&allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*", ""))]).principal("arn:aws:iam::123456789012:user/bob").action("s3:GetObject").resource("arn:aws:s3:::bucket/home/alice/notes.txt").expect(ImplicitDeny),
        // "Policy variables": in a 2008-10-17 policy ${…} is literal text.
        Case::identity("no variables in 2008", &[r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}]}"#]).principal("arn:aws:iam::123456789012:user/bob").action("s3:GetObject").resource("arn:aws:s3:::bucket/home/bob/notes.txt").expect(ImplicitDeny),
        // "Policy variables": a policy without Version has 2008-10-17 semantics, so the text matches literally.
        Case::identity("no version means literal", &[r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}]}"#]).principal("arn:aws:iam::123456789012:user/bob").action("s3:GetObject").resource("arn:aws:s3:::bucket/home/${aws:username}/x").expect(Allow),
        // "Policy variables": aws:username does not exist for roles, so the value cannot match.
        Case::identity("unresolvable variable", &[&p(&allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*", ""))]).action("s3:GetObject").resource("arn:aws:s3:::bucket/home/app/x").expect(ImplicitDeny),
        // "Policy variables": ${key, 'default'} uses the default when the key is missing.
        Case::identity("variable default", &[&p(&allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*", ""))]).action("s3:GetObject").resource("arn:aws:s3:::bucket/shared/x").expect(Allow),
        // "Policy variables": ${*} is a literal asterisk, not a wildcard.
        Case::identity("escaped star is literal", &[&p(&allow("s3:GetObject", "arn:aws:s3:::bucket/${*}", ""))]).action("s3:GetObject").resource("arn:aws:s3:::bucket/x").expect(ImplicitDeny),
        // "Policy variables": ${*} matches a literal asterisk.
        Case::identity("escaped star matches star", &[&p(&allow("s3:GetObject", "arn:aws:s3:::bucket/${*}", ""))]).action("s3:GetObject").resource("arn:aws:s3:::bucket/*").expect(Allow),
        // "Policy variables": variables from the request context work in condition values.
        Case::identity("variable in condition", &[&allow_if(r#"{"StringLike":{"s3:prefix":"${aws:username}/*"}}"#)]).principal("arn:aws:iam::123456789012:user/bob").ctx("s3:prefix", "bob/docs").expect(Allow),
        // "Policy variables": ${aws:PrincipalAccount} comes from the caller.
        Case::identity("principal account variable", &[&allow_if(r#"{"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}}"#)]).ctx("aws:ResourceAccount", "123456789012").expect(Allow),
        // "Policy variables": …and does not match another account.
        Case::identity("principal account variable mismatch", &[&allow_if(r#"{"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}}"#)]).ctx("aws:ResourceAccount", "999988887777").expect(ImplicitDeny),
        // "Policy variables": any context key can be a variable, looked up case-insensitively.
        Case::identity("context key variable", &[&p(&allow("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:${aws:PrincipalTag/fn}", ""))]).ctx("AWS:PrincipalTag/FN", "f").expect(Allow),
    ]
}

#[test]
fn evaluator_cases() {
    let cases = cases();
    assert!(cases.len() >= 70, "only {} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "case names must be unique");

    let mut failures = Vec::new();
    for case in &cases {
        match case.run() {
            Ok(eval) if eval.decision == case.expect => {}
            Ok(eval) => failures.push(format!(
                "{}: expected {:?}, got {:?} (deciding {:?}, missing {:?})",
                case.name, case.expect, eval.decision, eval.deciding, eval.missing_allow
            )),
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn trust_input(text: &str) -> EvalInput {
    EvalInput {
        identity_policies: Vec::new(),
        resource_policy: Some(LabeledPolicy::new(
            "trust policy",
            text.parse::<Policy>().unwrap(),
        )),
        resource_policy_is_trust: true,
        boundary: None,
    }
}

// "Policy evaluation logic": the decision names the statement that allowed it.
#[test]
fn allow_names_the_trust_statement() {
    let text = TRUST.replace(r#"{"Effect""#, r#"{"Sid":"GenesysAssume","Effect""#);
    let request = Request::new(
        format!("arn:aws:iam::{GENESYS}:root"),
        "sts:AssumeRole",
        ROLE,
    )
    .with_context("sts:ExternalId", EXTERNAL_ID);
    let eval = evaluate(&trust_input(&text), &request);
    assert_eq!(eval.decision, Allow);
    assert_eq!(
        eval.deciding,
        vec![StatementRef {
            policy: "trust policy".into(),
            index: 0,
            sid: Some("GenesysAssume".into()),
            effect: Effect::Allow,
        }]
    );
    assert_eq!(
        eval.deciding[0].to_string(),
        r#"trust policy statement 0 (Sid "GenesysAssume")"#
    );
}

// "Policy evaluation logic": an explicit deny reports every matching Deny statement.
#[test]
fn explicit_deny_lists_every_deny() {
    let text = p(&format!(
        "{},{},{}",
        allow("*", "*", ""),
        deny("lambda:*", "*", r#""Sid":"A""#),
        deny("*", FN, r#""Sid":"B""#)
    ));
    let input = EvalInput {
        identity_policies: vec![LabeledPolicy::new("p", text.parse::<Policy>().unwrap())],
        ..EvalInput::default()
    };
    let eval = evaluate(&input, &Request::new(APP, "lambda:InvokeFunction", FN));
    assert_eq!(eval.decision, ExplicitDeny);
    let sids: Vec<_> = eval.deciding.iter().map(|s| s.sid.as_deref()).collect();
    assert_eq!(sids, vec![Some("A"), Some("B")]);
    assert!(eval.deciding.iter().all(|s| s.effect == Effect::Deny));
}

// "Policy evaluation logic": an implicit deny says which policy lacked an Allow.
#[test]
fn implicit_deny_names_missing_policy() {
    let request = Request::new("*", "sts:AssumeRole", ROLE);
    let eval = evaluate(&trust_input(TRUST), &request);
    assert_eq!(eval.decision, ImplicitDeny);
    assert!(eval.deciding.is_empty());
    assert_eq!(eval.missing_allow, vec!["trust policy".to_owned()]);
}

// "Policy evaluation logic": a role can be assumed only if its trust policy allows it; with no
// trust policy, identity policies alone never allow AssumeRole.
#[test]
fn trust_evaluation_without_trust_policy_denies() {
    let input = EvalInput {
        identity_policies: vec![LabeledPolicy::new(
            "caller",
            str::parse::<Policy>(&p(&allow("sts:AssumeRole", "*", ""))).unwrap(),
        )],
        resource_policy: None,
        resource_policy_is_trust: true,
        boundary: None,
    };
    let eval = evaluate(&input, &Request::new(APP, "sts:AssumeRole", ROLE));
    assert_eq!(eval.decision, ImplicitDeny);
    assert_eq!(
        eval.missing_allow,
        vec!["trust policy (none given)".to_owned()]
    );
}
