//! Auto scaling settings of a table and its replicas (`extras` only), as
//! UpdateTableReplicaAutoScaling sets them and DescribeTableReplicaAutoScaling shows them.
//! They are kept, not acted on: the engine has no Application Auto Scaling, so provisioned
//! capacity does not move. Write capacity settings are the group's (every replica writes
//! every item); read capacity settings are each replica's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A table's auto scaling settings, the same in each member's definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoScaling {
    /// The table's write capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write: Option<ScalingSettings>,
    /// Each global index's write capacity.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub index_write: BTreeMap<String, ScalingSettings>,
    /// Each replica's read capacity, by region.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub read: BTreeMap<String, ScalingSettings>,
    /// Each replica's global indexes' read capacity, by region then index.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub index_read: BTreeMap<String, BTreeMap<String, ScalingSettings>>,
}

impl AutoScaling {
    pub fn is_empty(&self) -> bool {
        *self == AutoScaling::default()
    }

    /// Forgets what was set for `region` (its replica is gone).
    pub fn forget_region(&mut self, region: &str) {
        self.read.remove(region);
        self.index_read.remove(region);
    }

    /// Forgets what was set for `index` (it is gone).
    pub fn forget_index(&mut self, index: &str) {
        self.index_write.remove(index);
        for indexes in self.index_read.values_mut() {
            indexes.remove(index);
        }
    }
}

/// One scalable target's settings (AutoScalingSettingsDescription).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScalingSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_units: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_units: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<ScalingPolicy>,
}

/// A target tracking scaling policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_scale_in: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_in_cooldown: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_out_cooldown: Option<i64>,
    pub target_value: f64,
}

impl ScalingSettings {
    /// As the API's AutoScalingSettingsDescription.
    pub fn to_json(&self) -> Value {
        let mut out = json!({});
        if let Some(min) = self.minimum_units {
            out["MinimumUnits"] = json!(min);
        }
        if let Some(max) = self.maximum_units {
            out["MaximumUnits"] = json!(max);
        }
        if let Some(disabled) = self.disabled {
            out["AutoScalingDisabled"] = json!(disabled);
        }
        if let Some(role) = &self.role_arn {
            out["AutoScalingRoleArn"] = json!(role);
        }
        if let Some(policy) = &self.policy {
            let mut config = json!({"TargetValue": policy.target_value});
            if let Some(v) = policy.disable_scale_in {
                config["DisableScaleIn"] = json!(v);
            }
            if let Some(v) = policy.scale_in_cooldown {
                config["ScaleInCooldown"] = json!(v);
            }
            if let Some(v) = policy.scale_out_cooldown {
                config["ScaleOutCooldown"] = json!(v);
            }
            let mut described = json!({"TargetTrackingScalingPolicyConfiguration": config});
            if let Some(name) = &policy.name {
                described["PolicyName"] = json!(name);
            }
            out["ScalingPolicies"] = json!([described]);
        }
        out
    }
}
