// Azure OpenAI account with one chat model deployment. Writes the API key into Key Vault.

@description('Azure region for the Azure OpenAI account (model availability differs by region).')
param location string

@description('Account name; also used as the custom subdomain of the endpoint.')
param accountName string

@description('Name of the model deployment the app calls (AzureOpenAI:Deployment).')
param deploymentName string

@description('Model name.')
param modelName string

@description('Model version.')
param modelVersion string

@description('Deployment SKU, e.g. GlobalStandard or Standard.')
param deploymentSkuName string

@description('Deployment capacity in thousands of tokens per minute.')
param capacity int

@description('Name of the existing Key Vault that receives the API key.')
param keyVaultName string

@description('Resource tags.')
param tags { *: string } = {}

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: accountName
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: false
  }
}

resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: deploymentSkuName
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: keyVault
  name: 'azure-openai-api-key'
  properties: {
    value: account.listKeys().key1
    contentType: 'text/plain'
  }
}

@description('Endpoint of the account (AzureOpenAI:Endpoint).')
output endpoint string = account.properties.endpoint

@description('Model deployment name (AzureOpenAI:Deployment).')
output deploymentName string = deployment.name

@description('Key Vault URI (without version) of the API key secret.')
output apiKeySecretUri string = apiKeySecret.properties.secretUri
