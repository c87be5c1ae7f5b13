// VodFunctions in one resource group: the Function App on Flex Consumption with a managed identity, its storage
// (no shared keys), Application Insights, Key Vault for the Alibaba secret and the callback key, and — once the code
// is deployed — the Event Grid subscription that feeds dropped blobs to the app.
targetScope = 'resourceGroup'

@description('Short environment name; names resources (azd sets it).')
@minLength(2)
@maxLength(16)
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Memory of one Flex Consumption instance, in MB (512, 2048 or 4096).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('AccessKeyId of the RAM user that calls VOD and STS.')
param vodAccessKeyId string

@secure()
@description('Its AccessKeySecret; stored in Key Vault only.')
param vodAccessKeySecret string

@secure()
@description('The VOD callback auth key (the same one goes into the VOD console); stored in Key Vault only.')
param vodCallbackAuthKey string

@description('Key Vault reference of the previous callback key while rotating, e.g. @Microsoft.KeyVault(SecretUri=…); empty otherwise.')
param vodCallbackPreviousAuthKeyReference string = ''

@description('VOD region.')
param vodRegion string = 'cn-shanghai'

@description('VOD API endpoint override; empty (the default) derives it from vodRegion.')
param vodEndpoint string = ''

@description('STS endpoint override; empty (the default) uses sts.aliyuncs.com.')
param vodStsEndpoint string = ''

@description('RAM role the STS token endpoint assumes for browsers; empty disables it.')
param vodStsRoleArn string = ''

@description('Lifetime of STS tokens for browsers, in seconds (the token is narrowed to uploading by an inline policy).')
@minValue(900)
@maxValue(3600)
param vodStsDurationSeconds int = 900

@description('Where the browser endpoints learn who calls them: AppServiceAuthentication (configure App Service Authentication on the app), Jwt, or None (never in Azure).')
@allowed(['AppServiceAuthentication', 'Jwt', 'None'])
param callerIdentity string = 'AppServiceAuthentication'

@description('With callerIdentity=Jwt: the issuer tokens must carry.')
param jwtIssuer string = ''

@description('With callerIdentity=Jwt: the audience tokens must carry.')
param jwtAudience string = ''

@description('With callerIdentity=Jwt: the issuer\'s OpenID configuration URL (signing keys come from it).')
param jwtMetadataUrl string = ''

@description('Credential requests one browser caller may make per minute.')
@minValue(1)
param credentialRequestsPerMinute int = 20

@description('Credential requests one browser caller may make per UTC day.')
@minValue(1)
param credentialRequestsPerDay int = 500

@description('VOD API confirmations one instance may start per second (callbacks and reconciliation).')
@minValue(1)
param confirmationsPerSecond int = 20

@description('Container whose new blobs are uploaded to VOD.')
param incomingContainer string = 'vod-incoming'

@description('Containers besides the incoming one whose blobs the API may upload, comma-separated; empty: the incoming container only.')
param allowedSourceContainers string = ''

@description('Transfer mode of uploads that ask for none: push (the app sends the bytes), pull (VOD fetches the blob from a short-lived user delegation SAS) or auto.')
@allowed(['push', 'pull', 'auto'])
param defaultTransferMode string = 'push'

@description('Lifetime in minutes of the read-only URL VOD pulls a blob from (VOD queues pull jobs, sometimes for hours).')
@minValue(5)
@maxValue(10070)
param pullUrlLifetimeMinutes int = 1440

@description('Largest blob VOD is asked to pull, in bytes (auto pushes larger ones).')
@minValue(1)
param pullMaxBytes int = 5368709120

@description('Regions whose VOD offers pull upload (UploadMediaByURL), comma-separated.')
param pullRegions string = 'cn-shanghai,ap-southeast-1'

@description('Whether VOD can reach the storage account from the internet (false behind a private endpoint or firewall: auto always pushes).')
param pullSourceReachable bool = true

@description('First and longest wait in seconds between two polls of a pull job.')
@minValue(1)
param pullFirstPollSeconds int = 15

@minValue(1)
param pullMaxPollSeconds int = 600

@description('Container of upload checkpoints.')
param checkpointContainer string = 'vod-checkpoints'

@description('Container of notes on refused blobs.')
param rejectionContainer string = 'vod-rejected'

@description('Table of media records.')
param mediaTable string = 'VodMedia'

@description('Table of per-caller request counts.')
param quotaTable string = 'VodCallerQuotas'

@description('Default part size in bytes.')
param partSize int = 8388608

@description('Default parts (and part batches) in flight.')
@minValue(1)
@maxValue(64)
param parallel int = 5

@description('Default retries of one part inside a part batch.')
@minValue(0)
@maxValue(20)
param retryCount int = 3

@description('Default runs of a step again after a retryable failure (throttling, 5xx, storage down).')
@minValue(0)
@maxValue(10)
param stepRetryCount int = 3

@description('Keep the VOD media of a cancelled or deleted unfinished upload instead of deleting it.')
param keepMediaOnCancel bool = false

@description('Send every part with a Content-MD5 header (each part\'s CRC-64 is checked either way).')
param contentMd5 bool = false

@description('Default first retry delay in seconds.')
param retryDurationSeconds int = 2

@description('Seconds to wait for VOD\'s upload event before asking the API.')
param callbackTimeoutSeconds int = 600

@description('Allowed distance of X-VOD-TIMESTAMP from now, in seconds.')
param callbackWindowSeconds int = 300

@description('Minutes a media record may wait for VOD before reconciliation asks the API.')
param reconcileAfterMinutes int = 15

@description('Days after which finished upload histories are purged.')
param historyRetentionDays int = 30

@description('Create the Event Grid subscription (after the code is deployed: azd\'s postdeploy hook sets it).')
param deployEventSubscription bool = false

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var appName = 'func-vod-${token}'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { name: token, location: location, tags: tags }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'stvod${token}'
    location: location
    tags: tags
    incomingContainer: incomingContainer
    checkpointContainer: checkpointContainer
    rejectionContainer: rejectionContainer
    mediaTable: mediaTable
    quotaTable: quotaTable
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-vod-${take(token, 14)}'
    location: location
    tags: tags
    vodAccessKeySecret: vodAccessKeySecret
    callbackAuthKey: vodCallbackAuthKey
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    name: appName
    location: location
    tags: tags
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    storageName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainer: storage.outputs.deploymentContainer
    insightsConnectionString: monitoring.outputs.connectionString
    accessKeySecretUri: vault.outputs.accessKeySecretUri
    callbackKeySecretUri: vault.outputs.callbackKeySecretUri
    settings: {
      accessKeyId: vodAccessKeyId
      region: vodRegion
      endpoint: vodEndpoint
      stsEndpoint: vodStsEndpoint
      incomingContainer: incomingContainer
      allowedSourceContainers: allowedSourceContainers
      checkpointContainer: checkpointContainer
      rejectionContainer: rejectionContainer
      mediaTable: mediaTable
      partSize: partSize
      parallel: parallel
      retryCount: retryCount
      stepRetryCount: stepRetryCount
      keepMediaOnCancel: keepMediaOnCancel
      contentMd5: contentMd5
      defaultTransferMode: defaultTransferMode
      pullUrlLifetimeMinutes: pullUrlLifetimeMinutes
      pullMaxBytes: pullMaxBytes
      pullRegions: pullRegions
      pullSourceReachable: pullSourceReachable
      pullFirstPollSeconds: pullFirstPollSeconds
      pullMaxPollSeconds: pullMaxPollSeconds
      retryDurationSeconds: retryDurationSeconds
      callbackTimeoutSeconds: callbackTimeoutSeconds
      callbackWindowSeconds: callbackWindowSeconds
      callbackPreviousAuthKeyReference: vodCallbackPreviousAuthKeyReference
      stsRoleArn: vodStsRoleArn
      stsDurationSeconds: vodStsDurationSeconds
      callerIdentity: callerIdentity
      jwtIssuer: jwtIssuer
      jwtAudience: jwtAudience
      jwtMetadataUrl: jwtMetadataUrl
      credentialRequestsPerMinute: credentialRequestsPerMinute
      credentialRequestsPerDay: credentialRequestsPerDay
      quotaTable: quotaTable
      confirmationsPerSecond: confirmationsPerSecond
      reconcileAfterMinutes: reconcileAfterMinutes
      historyRetentionDays: historyRetentionDays
    }
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: app.outputs.principalId
    storageName: storage.outputs.name
    vaultName: vault.outputs.name
    insightsId: monitoring.outputs.insightsId
    incomingContainer: incomingContainer
  }
}

module events 'modules/eventgrid.bicep' = if (deployEventSubscription) {
  name: 'eventgrid'
  params: {
    storageName: storage.outputs.name
    location: location
    tags: tags
    appName: app.outputs.name
    incomingContainer: incomingContainer
  }
}

@description('The Function App\'s URL.')
output AZURE_FUNCTION_APP_URL string = app.outputs.url

@description('The Function App\'s name.')
output AZURE_FUNCTION_APP_NAME string = app.outputs.name

@description('Paste this into the VOD console as the HTTP callback URL.')
output VOD_CALLBACK_URL string = '${app.outputs.url}/api/vod/callback'

@description('The resource group (for the postdeploy hook).')
output AZURE_RESOURCE_GROUP string = resourceGroup().name
