// The Function App on the Flex Consumption plan (Linux, .NET isolated), reaching storage with its managed identity and
// reading secrets through Key Vault references. Every setting the app reads is set here.
param name string
param location string
param tags object
param instanceMemoryMB int
param maximumInstanceCount int
param storageName string
param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainer string
param insightsConnectionString string
param accessKeySecretUri string
param callbackKeySecretUri string
param settings object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: tableEndpoint }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'AzureWebJobs.BlobIngest.Disabled', value: 'true' }
        { name: 'Vod__AccessKeyId', value: settings.accessKeyId }
        { name: 'Vod__AccessKeySecret', value: '@Microsoft.KeyVault(SecretUri=${accessKeySecretUri})' }
        { name: 'Vod__Region', value: settings.region }
        { name: 'Vod__Endpoint', value: settings.endpoint }
        { name: 'Vod__StsEndpoint', value: settings.stsEndpoint }
        { name: 'Vod__IncomingContainer', value: settings.incomingContainer }
        { name: 'Vod__AllowedSourceContainers', value: settings.allowedSourceContainers }
        { name: 'Vod__CheckpointContainer', value: settings.checkpointContainer }
        { name: 'Vod__RejectionContainer', value: settings.rejectionContainer }
        { name: 'Vod__CallbackTimeoutSeconds', value: string(settings.callbackTimeoutSeconds) }
        { name: 'Vod__PartSize', value: string(settings.partSize) }
        { name: 'Vod__Parallel', value: string(settings.parallel) }
        { name: 'Vod__RetryCount', value: string(settings.retryCount) }
        { name: 'Vod__StepRetryCount', value: string(settings.stepRetryCount) }
        { name: 'Vod__KeepMediaOnCancel', value: string(settings.keepMediaOnCancel) }
        { name: 'Vod__ContentMd5', value: string(settings.contentMd5) }
        { name: 'Vod__DefaultTransferMode', value: settings.defaultTransferMode }
        { name: 'Vod__PullUrlLifetimeMinutes', value: string(settings.pullUrlLifetimeMinutes) }
        { name: 'Vod__PullMaxBytes', value: string(settings.pullMaxBytes) }
        { name: 'Vod__PullRegions', value: settings.pullRegions }
        { name: 'Vod__PullSourceReachable', value: string(settings.pullSourceReachable) }
        { name: 'Vod__PullFirstPollSeconds', value: string(settings.pullFirstPollSeconds) }
        { name: 'Vod__PullMaxPollSeconds', value: string(settings.pullMaxPollSeconds) }
        { name: 'Vod__RetryDurationSeconds', value: string(settings.retryDurationSeconds) }
        { name: 'Vod__HistoryRetentionDays', value: string(settings.historyRetentionDays) }
        { name: 'Vod__CallbackPublicUrl', value: 'https://${name}.azurewebsites.net/api/vod/callback' }
        { name: 'Vod__CallbackAuthKey', value: '@Microsoft.KeyVault(SecretUri=${callbackKeySecretUri})' }
        { name: 'Vod__CallbackPreviousAuthKey', value: settings.callbackPreviousAuthKeyReference }
        { name: 'Vod__AllowUnsignedCallbacks', value: 'false' }
        { name: 'Vod__CallbackWindowSeconds', value: string(settings.callbackWindowSeconds) }
        { name: 'Vod__StsRoleArn', value: settings.stsRoleArn }
        { name: 'Vod__StsDurationSeconds', value: string(settings.stsDurationSeconds) }
        { name: 'Vod__CallerIdentity', value: settings.callerIdentity }
        { name: 'Vod__JwtIssuer', value: settings.jwtIssuer }
        { name: 'Vod__JwtAudience', value: settings.jwtAudience }
        { name: 'Vod__JwtMetadataUrl', value: settings.jwtMetadataUrl }
        { name: 'Vod__JwtSigningKeys', value: '' }
        { name: 'Vod__CredentialRequestsPerMinute', value: string(settings.credentialRequestsPerMinute) }
        { name: 'Vod__CredentialRequestsPerDay', value: string(settings.credentialRequestsPerDay) }
        { name: 'Vod__QuotaTable', value: settings.quotaTable }
        { name: 'Vod__ConfirmationsPerSecond', value: string(settings.confirmationsPerSecond) }
        { name: 'Vod__MediaConfirmIntervalMilliseconds', value: '1000' }
        { name: 'Vod__MediaTable', value: settings.mediaTable }
        { name: 'Vod__ReconcileAfterMinutes', value: string(settings.reconcileAfterMinutes) }
      ]
    }
  }
}

output name string = app.name
output principalId string = app.identity.principalId
output url string = 'https://${app.properties.defaultHostName}'
