// Replaced by the dashboard (issue: The dashboard).
document.getElementById('app')!.textContent = 'bluegreen';
