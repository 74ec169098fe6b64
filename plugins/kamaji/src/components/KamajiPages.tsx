import { Route, Routes } from 'react-router-dom';
import { FleetTopologyPage } from './FleetPage';
import { AuditPage } from './AuditPage';
import { UpgradesPage } from './UpgradesPage';

/** The plugin's pages under its mount point: the fleet topology, `/upgrades` and `/audit`. */
export function KamajiPages() {
  return (
    <Routes>
      <Route path="/" element={<FleetTopologyPage />} />
      <Route path="/upgrades" element={<UpgradesPage />} />
      <Route path="/audit" element={<AuditPage />} />
    </Routes>
  );
}
