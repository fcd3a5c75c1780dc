//! The kinds of resource a catalog yields and their API version.

use crate::syntax::ast::Kind;

pub const API_VERSION: &str = "instancetype.kubevirt.io/v1beta1";

/// The two Kubernetes kinds every definition yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiKind {
    VirtualMachineClusterInstancetype,
    VirtualMachineClusterPreference,
    VirtualMachineInstancetype,
    VirtualMachinePreference,
}

impl ApiKind {
    /// In the order of the all-bundle (kind names sorted).
    pub const ALL: [ApiKind; 4] = [
        ApiKind::VirtualMachineClusterInstancetype,
        ApiKind::VirtualMachineClusterPreference,
        ApiKind::VirtualMachineInstancetype,
        ApiKind::VirtualMachinePreference,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ApiKind::VirtualMachineClusterInstancetype => "VirtualMachineClusterInstancetype",
            ApiKind::VirtualMachineClusterPreference => "VirtualMachineClusterPreference",
            ApiKind::VirtualMachineInstancetype => "VirtualMachineInstancetype",
            ApiKind::VirtualMachinePreference => "VirtualMachinePreference",
        }
    }

    pub fn of(kind: Kind) -> [ApiKind; 2] {
        match kind {
            Kind::Instancetype => [
                ApiKind::VirtualMachineClusterInstancetype,
                ApiKind::VirtualMachineInstancetype,
            ],
            Kind::Preference => [
                ApiKind::VirtualMachineClusterPreference,
                ApiKind::VirtualMachinePreference,
            ],
        }
    }
}
