// The app's storage account: shared-key access disabled; containers for deployment, incoming media, checkpoints and
// refusals; the media-records and caller-quota tables.
param name string
param location string
param tags object
param incomingContainer string
param checkpointContainer string
param rejectionContainer string
param mediaTable string

@description('Table of per-caller request counts.')
param quotaTable string

var deploymentContainer = 'app-package'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in [deploymentContainer, incomingContainer, checkpointContainer, rejectionContainer]: {
  parent: blobs
  name: container
  properties: { publicAccess: 'None' }
}]

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource table 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in [mediaTable, quotaTable]: {
  parent: tables
  name: name
}]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output deploymentContainer string = deploymentContainer
