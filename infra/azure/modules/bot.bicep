// Azure Bot registration (kind azurebot) with the Microsoft Teams channel enabled.

@description('Bot resource name (globally unique).')
param name string

@description('Display name shown in the Azure portal and channels.')
param displayName string

@description('Messaging endpoint, https://<host>/api/messages.')
param endpoint string

@description('Microsoft App ID of the bot: the Entra app registration (SingleTenant) or the managed identity client id (UserAssignedMSI).')
param msaAppId string

@description('How the bot authenticates to the Bot Framework.')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
param msaAppType string

@description('Entra tenant of the app registration or managed identity.')
param msaAppTenantId string

@description('Resource id of the user-assigned managed identity (UserAssignedMSI only).')
param msaAppMSIResourceId string = ''

@description('Pricing tier: F0 (free) or S1.')
@allowed([
  'F0'
  'S1'
])
param sku string = 'F0'

@description('Resource tags.')
param tags { *: string } = {}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppId: msaAppId
    msaAppType: msaAppType
    msaAppTenantId: msaAppTenantId
    msaAppMSIResourceId: msaAppType == 'UserAssignedMSI' ? msaAppMSIResourceId : null
    disableLocalAuth: false
    publicNetworkAccess: 'Enabled'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

@description('Bot resource name.')
output name string = bot.name

@description('Channels enabled on the bot.')
output channels string[] = [
  teamsChannel.name
]
