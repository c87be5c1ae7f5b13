// Key Vault (RBAC) holding the Alibaba AccessKey secret and the VOD callback auth keys.
param name string
param location string
param tags object

@secure()
param vodAccessKeySecret string

@secure()
param callbackAuthKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource accessKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'vod-access-key-secret'
  properties: { value: vodAccessKeySecret }
}

resource callbackKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'vod-callback-auth-key'
  properties: { value: callbackAuthKey }
}

output id string = vault.id
output name string = vault.name
output accessKeySecretUri string = accessKeySecret.properties.secretUri
output callbackKeySecretUri string = callbackKey.properties.secretUri
