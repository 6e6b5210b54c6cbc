export { freePort, spawnGateway, type SpawnedGateway } from '../../local/spawn-gateway';
