// GovernanceBot on Azure: one resource group with
//   - a user-assigned managed identity (reads Key Vault secrets; optionally the bot's identity),
//   - Log Analytics + Application Insights,
//   - Key Vault (RBAC) holding every secret the app needs,
//   - Azure Database for PostgreSQL flexible server (Burstable B1ms, database `governance`),
//   - Azure Container Apps running the bot container on port 3978 (its Data Protection key ring lives
//     in PostgreSQL, encrypted with a Key Vault certificate; X-Forwarded-* believed from the ingress only),
//   - an Azure Bot registration with the Microsoft Teams channel,
//   - optionally Azure OpenAI with one chat model deployment.
// Deploy: az deployment group create -g <rg> -f infra/azure/main.bicep -p @infra/azure/main.parameters.json -p postgresAdminPassword=...
// See docs/deploy.md.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Azure region for all regional resources.')
param location string = resourceGroup().location

@description('Short lowercase name used to derive resource names (letters, digits, hyphens).')
@minLength(3)
@maxLength(16)
param baseName string = 'governancebot'

@description('Container image of the bot, e.g. myregistry.azurecr.io/governancebot:1.0.0.')
param containerImage string

@description('Name of an Azure Container Registry in this resource group to pull the image from; the managed identity is granted AcrPull on it. Empty for a public image.')
param containerRegistryName string = ''

@description('Minimum number of replicas. Keep at least 1: the bot runs scheduled check-ins and drains the outbox.')
@minValue(1)
@maxValue(10)
param minReplicas int = 1

@description('Maximum number of replicas.')
@minValue(1)
@maxValue(10)
param maxReplicas int = 2

@description('Public host name of the bot if you bind a custom domain; empty to use the Container App default domain.')
param publicHostName string = ''

@description('How the bot authenticates to the Bot Framework: SingleTenant (Entra app registration + client secret) or UserAssignedMSI (the managed identity deployed here).')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
param botAppType string = 'SingleTenant'

@description('Application (client) id of the Entra app registration of the bot. Required for SingleTenant; ignored for UserAssignedMSI.')
param botAppId string = ''

@secure()
@description('Client secret of the bot\'s Entra app registration (Teams:AppPassword). Required for SingleTenant.')
param teamsAppPassword string = ''

@description('Azure Bot pricing tier.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('PostgreSQL administrator login.')
param postgresAdminLogin string = 'governance'

@secure()
@description('PostgreSQL administrator password (no semicolons or quotes).')
@minLength(12)
param postgresAdminPassword string

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
])
param postgresVersion string = '16'

@secure()
@description('Slack signing secret (Slack:SigningSecret). Empty to run without Slack.')
param slackSigningSecret string = ''

@secure()
@description('Slack bot token xoxb-... for a single workspace (Slack:BotToken). Empty when using OAuth install.')
param slackBotToken string = ''

@description('Slack app client id for OAuth install across workspaces (Slack:ClientId). Empty for a single workspace.')
param slackClientId string = ''

@secure()
@description('Slack app client secret for OAuth install (Slack:ClientSecret).')
param slackClientSecret string = ''

@description('Deploy an Azure OpenAI account and model deployment for Q&A answers. Without it the bot answers from retrieval only.')
param deployOpenAI bool = false

@description('Region of the Azure OpenAI account (model availability differs by region).')
param openAILocation string = location

@description('Azure OpenAI chat model name.')
param openAIModelName string = 'gpt-4o-mini'

@description('Azure OpenAI chat model version.')
param openAIModelVersion string = '2024-07-18'

@description('Azure OpenAI deployment SKU.')
@allowed([
  'GlobalStandard'
  'Standard'
  'DataZoneStandard'
])
param openAIDeploymentSku string = 'GlobalStandard'

@description('Azure OpenAI deployment capacity, in thousands of tokens per minute.')
@minValue(1)
param openAICapacity int = 10

@description('Name of the Key Vault certificate that encrypts the Data Protection key ring (kept in PostgreSQL) at rest. Created self-signed (10 years, exportable) on first deployment if it does not exist.')
@minLength(1)
@maxLength(80)
param dataProtectionCertificateName string = 'governancebot-dataprotection'

@description('Networks (CIDR) whose X-Forwarded-For/-Proto/-Host headers the bot believes: where the Container Apps ingress connects from. The app is reachable only through the ingress; narrow this to the environment infrastructure subnet when it has one.')
param ingressProxyNetworks string[] = [
  '10.0.0.0/8'
  '172.16.0.0/12'
  '192.168.0.0/16'
  '100.64.0.0/10'
]

@description('Enable Key Vault purge protection (recommended for production; cannot be turned off later).')
param keyVaultPurgeProtection bool = true

@description('Tags applied to every resource.')
param tags { *: string } = {
  app: 'governancebot'
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var name = toLower(baseName)
var suffix = uniqueString(resourceGroup().id, name)
var identityName = 'id-${name}'
var deploymentIdentityName = 'id-${name}-deploy'
var logAnalyticsName = 'log-${name}'
var appInsightsName = 'appi-${name}'
var keyVaultName = 'kv-${take(replace(name, '-', ''), 10)}-${take(suffix, 8)}'
var postgresServerName = 'psql-${name}-${suffix}'
var environmentName = 'cae-${name}'
var containerAppName = 'ca-${name}'
var botName = 'bot-${name}-${suffix}'
var openAIAccountName = 'oai-${name}-${suffix}'
var openAIDeploymentName = 'governance-chat'

// Built-in roles: Key Vault Secrets User, Key Vault Certificates Officer, AcrPull.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultCertificatesOfficerRoleId = 'a4417e6f-fecd-4de8-b567-7b0420556985'
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var useRegistry = !empty(containerRegistryName)

// ---------------------------------------------------------------------------------------------
// Identity, monitoring, Key Vault
// ---------------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: keyVaultPurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Data Protection certificate. ARM cannot create Key Vault certificates, so a deployment script
// does, with an identity of its own: the app's identity only reads (a certificate's secret is its PFX).
resource deploymentIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: deploymentIdentityName
  location: location
  tags: tags
}

resource certificatesOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, deploymentIdentity.id, keyVaultCertificatesOfficerRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCertificatesOfficerRoleId)
    principalId: deploymentIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource dataProtectionCertificate 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'create-${dataProtectionCertificateName}'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${deploymentIdentity.id}': {}
    }
  }
  properties: {
    azCliVersion: '2.67.0'
    retentionInterval: 'PT1H'
    cleanupPreference: 'OnSuccess'
    timeout: 'PT15M'
    environmentVariables: [
      {
        name: 'VAULT'
        value: keyVault.name
      }
      {
        name: 'CERTIFICATE'
        value: dataProtectionCertificateName
      }
    ]
    // An existing certificate is kept: a new one would leave the stored key ring unreadable.
    scriptContent: '''
set -e
if ! az keyvault certificate show --vault-name "$VAULT" --name "$CERTIFICATE" >/dev/null 2>&1; then
  az keyvault certificate create --vault-name "$VAULT" --name "$CERTIFICATE" --policy '{"issuerParameters":{"name":"Self"},"keyProperties":{"exportable":true,"keyType":"RSA","keySize":3072,"reuseKey":false},"secretProperties":{"contentType":"application/x-pkcs12"},"x509CertificateProperties":{"subject":"CN=GovernanceBot Data Protection","validityInMonths":120,"keyUsage":["keyEncipherment","dataEncipherment"]},"lifetimeActions":[{"trigger":{"daysBeforeExpiry":90},"action":{"actionType":"EmailContacts"}}]}'
fi
'''
  }
  dependsOn: [
    certificatesOfficer
  ]
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = if (useRegistry) {
  name: containerRegistryName
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useRegistry) {
  name: guid(resourceGroup().id, containerRegistryName, identity.id, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Secrets passed in as parameters; empty ones are not created (and not given to the app).
var parameterSecrets = filter(
  [
    {
      name: 'teams-app-password'
      env: 'Teams__AppPassword'
      value: botAppType == 'SingleTenant' ? teamsAppPassword : ''
    }
    {
      name: 'slack-signing-secret'
      env: 'Slack__SigningSecret'
      value: slackSigningSecret
    }
    {
      name: 'slack-bot-token'
      env: 'Slack__BotToken'
      value: slackBotToken
    }
    {
      name: 'slack-client-secret'
      env: 'Slack__ClientSecret'
      value: slackClientSecret
    }
  ],
  s => !empty(s.value)
)

resource parameterSecretResources 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [
  for s in parameterSecrets: {
    parent: keyVault
    name: s.name
    properties: {
      value: s.value
      contentType: 'text/plain'
    }
  }
]

// ---------------------------------------------------------------------------------------------
// Data and AI
// ---------------------------------------------------------------------------------------------

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    location: location
    serverName: postgresServerName
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    version: postgresVersion
    keyVaultName: keyVault.name
    tags: tags
  }
}

module openAI 'modules/openai.bicep' = if (deployOpenAI) {
  name: 'openai'
  params: {
    location: openAILocation
    accountName: openAIAccountName
    deploymentName: openAIDeploymentName
    modelName: openAIModelName
    modelVersion: openAIModelVersion
    deploymentSkuName: openAIDeploymentSku
    capacity: openAICapacity
    keyVaultName: keyVault.name
    tags: tags
  }
}

// ---------------------------------------------------------------------------------------------
// Container Apps
// ---------------------------------------------------------------------------------------------

resource containerEnv 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
  }
}

var publicHost = empty(publicHostName) ? '${containerAppName}.${containerEnv.properties.defaultDomain}' : publicHostName
var teamsAppId = botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId

// Container App secrets: Key Vault references read with the managed identity, plus the
// Application Insights connection string.
var keyVaultSecretRefs = concat(
  [
    {
      name: 'governance-connection-string'
      keyVaultUrl: postgres.outputs.connectionStringSecretUri
      identity: identity.id
    }
  ],
  map(parameterSecrets, s => {
    name: s.name
    keyVaultUrl: '${keyVault.properties.vaultUri}secrets/${s.name}'
    identity: identity.id
  }),
  [
    {
      // The certificate's secret: its PFX, base64, which DataProtection:Certificate takes as is.
      name: 'dataprotection-certificate'
      keyVaultUrl: '${keyVault.properties.vaultUri}secrets/${dataProtectionCertificateName}'
      identity: identity.id
    }
  ],
  deployOpenAI
    ? [
        {
          name: 'azure-openai-api-key'
          keyVaultUrl: openAI!.outputs.apiKeySecretUri
          identity: identity.id
        }
      ]
    : []
)

var appSecrets = concat(keyVaultSecretRefs, [
  {
    name: 'appinsights-connection-string'
    value: appInsights.properties.ConnectionString
  }
])

var appEnv = concat(
  [
    {
      name: 'Store__Provider'
      value: 'postgres'
    }
    {
      name: 'ConnectionStrings__Governance'
      secretRef: 'governance-connection-string'
    }
    {
      name: 'PublicBaseUrl'
      value: 'https://${publicHost}'
    }
    {
      name: 'Teams__AppId'
      value: teamsAppId
    }
    {
      name: 'Teams__TenantId'
      value: tenant().tenantId
    }
    {
      name: 'AZURE_CLIENT_ID'
      value: identity.properties.clientId
    }
    {
      name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
      secretRef: 'appinsights-connection-string'
    }
    {
      // The key ring itself is in PostgreSQL (shared by replicas and revisions); this encrypts it.
      name: 'DataProtection__Certificate'
      secretRef: 'dataprotection-certificate'
    }
  ],
  map(range(0, length(ingressProxyNetworks)), i => {
    name: 'ForwardedHeaders__KnownNetworks__${i}'
    value: ingressProxyNetworks[i]
  }),
  map(parameterSecrets, s => {
    name: s.env
    secretRef: s.name
  }),
  empty(slackClientId)
    ? []
    : [
        {
          name: 'Slack__ClientId'
          value: slackClientId
        }
      ],
  deployOpenAI
    ? [
        {
          name: 'AzureOpenAI__Endpoint'
          value: openAI!.outputs.endpoint
        }
        {
          name: 'AzureOpenAI__Deployment'
          value: openAI!.outputs.deploymentName
        }
        {
          name: 'AzureOpenAI__ApiKey'
          secretRef: 'azure-openai-api-key'
        }
      ]
    : []
)

resource containerApp 'Microsoft.App/containerApps@2025-07-01' = {
  name: containerAppName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: containerEnv.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3978
        transport: 'auto'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: useRegistry
        ? [
            {
              server: '${containerRegistryName}${environment().suffixes.acrLoginServer}'
              identity: identity.id
            }
          ]
        : []
      secrets: appSecrets
    }
    template: {
      containers: [
        {
          name: 'governancebot'
          image: containerImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: appEnv
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: 3978
              }
              periodSeconds: 5
              failureThreshold: 24
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 3978
              }
              periodSeconds: 30
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: 3978
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
  dependsOn: [
    // The identity must be able to read the secrets and pull the image before the first revision starts.
    secretsUser
    parameterSecretResources
    registryPull
    dataProtectionCertificate
  ]
}

// ---------------------------------------------------------------------------------------------
// Azure Bot + Teams channel
// ---------------------------------------------------------------------------------------------

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: botName
    displayName: 'GovernanceBot'
    endpoint: 'https://${publicHost}/api/messages'
    msaAppId: teamsAppId
    msaAppType: botAppType
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: identity.id
    sku: botSku
    tags: tags
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

@description('Public base URL of the bot (PublicBaseUrl).')
output publicBaseUrl string = 'https://${publicHost}'

@description('Teams messaging endpoint registered on the Azure Bot.')
output teamsMessagingEndpoint string = 'https://${publicHost}/api/messages'

@description('Slack request URLs to put in the Slack app manifest (replace YOUR_HOST).')
output slackHost string = publicHost

@description('Microsoft App ID of the bot: use it for teams-package --app-id.')
output botAppId string = teamsAppId

@description('Name of the Azure Bot resource.')
output botResourceName string = bot.outputs.name

@description('Container App default FQDN (point a custom domain CNAME here).')
output containerAppFqdn string = containerApp.properties.configuration.ingress.fqdn

@description('Key Vault name.')
output keyVaultName string = keyVault.name

@description('PostgreSQL server FQDN.')
output postgresServerFqdn string = postgres.outputs.fqdn

@description('Client id of the user-assigned managed identity.')
output identityClientId string = identity.properties.clientId

@description('Azure OpenAI endpoint, if deployed.')
output openAIEndpoint string = deployOpenAI ? openAI!.outputs.endpoint : ''
