package main

// The KMS keepers the vault may use, by URL scheme (--vault-keeper). The
// local key file (base64key://) is registered by the vault itself.
import (
	_ "gocloud.dev/secrets/awskms"        // awskms://
	_ "gocloud.dev/secrets/azurekeyvault" // azurekeyvault://
	_ "gocloud.dev/secrets/gcpkms"        // gcpkms://
	_ "gocloud.dev/secrets/hashivault"    // hashivault://
)
